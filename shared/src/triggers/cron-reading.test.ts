import { describe, expect, it } from 'vitest';
import { describeCron } from './cron-reading.js';

describe('a schedule in plain words', () => {
  it.each([
    ['0 9 * * 1-5', 'every weekday at 09:00'],
    ['0 9 * * MON-FRI', 'every weekday at 09:00'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['0 0 1 * *', 'at 00:00 on the 1st of the month'],
    ['* * * * *', 'every minute'],
    ['30 8 * * 1', 'every Monday at 08:30'],
    ['0 9 * * MON,WED,FRI', 'every Monday, Wednesday and Friday at 09:00'],
    ['0 6 * * 0,6', 'every Saturday and Sunday at 06:00'],
    ['0 9,17 * * *', 'every day at 09:00 and 17:00'],
    ['0 */2 * * *', 'every 2 hours'],
    ['*/10 9-17 * * 1-5', 'every 10 minutes from 09:00 to 17:59 on weekdays'],
    ['0 12 1,15 * *', 'at 12:00 on the 1st and 15th of the month'],
    ['0 0 L * *', 'at 00:00 on the last day of the month'],
    ['0 0 1 1 *', 'at 00:00 on the 1st of January'],
    ['0 0 22 * *', 'at 00:00 on the 22nd of the month'],
    ['0 0 11 * *', 'at 00:00 on the 11th of the month'],
  ])('reads %s as “%s”', (cron, reading) => {
    expect(describeCron(cron)).toBe(reading);
  });

  it('reads an uncommon shape field by field rather than guessing', () => {
    expect(describeCron('1-5/2 3 * * *')).toBe('when minute 1-5/2 and hour 3 (cron: 1-5/2 3 * * *)');
  });

  it('has no reading for an expression that is not valid', () => {
    expect(describeCron('61 * * * *')).toBeNull();
  });
});
