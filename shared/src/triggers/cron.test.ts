import { describe, expect, it } from 'vitest';
import { cronFieldProblem, cronProblem, nextRuns } from './cron.js';

const iso = (times: number[]) => times.map((t) => new Date(t).toISOString());

describe('next runs of a schedule', () => {
  it('skip the weekend for a weekday schedule', () => {
    // Friday 4 December 2026, 10:00 UTC: the next three are Monday to Wednesday.
    expect(iso(nextRuns('0 9 * * 1-5', 'UTC', Date.UTC(2026, 11, 4, 10), 3))).toEqual([
      '2026-12-07T09:00:00.000Z',
      '2026-12-08T09:00:00.000Z',
      '2026-12-09T09:00:00.000Z',
    ]);
  });

  it('follow a step value from the next multiple', () => {
    expect(iso(nextRuns('*/15 * * * *', 'UTC', Date.UTC(2026, 11, 4, 10, 7), 3))).toEqual([
      '2026-12-04T10:15:00.000Z',
      '2026-12-04T10:30:00.000Z',
      '2026-12-04T10:45:00.000Z',
    ]);
  });

  it('keep the local time across a daylight-saving change', () => {
    // New York moves its clocks forward on 8 March 2026: 09:00 local is an hour earlier in UTC.
    expect(iso(nextRuns('0 9 * * *', 'America/New_York', Date.UTC(2026, 2, 6, 12), 3))).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
    ]);
  });

  it('fire once on a day whose local time is skipped or repeated', () => {
    // Berlin has no 02:30 on 29 March 2026 and two on 25 October 2026.
    expect(iso(nextRuns('30 2 * * *', 'Europe/Berlin', Date.UTC(2026, 2, 28, 12), 2))).toEqual([
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    expect(iso(nextRuns('30 2 * * *', 'Europe/Berlin', Date.UTC(2026, 9, 24, 12), 2))).toEqual([
      '2026-10-25T01:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });
});

describe('a wrong schedule', () => {
  it('names the field and what it accepts', () => {
    expect(cronFieldProblem('61 3 * * *')).toMatch(/first field \(minute\) is “61”; it accepts 0–59/);
    expect(cronFieldProblem('0 25 * * *')).toMatch(/second field \(hour\) .* 0–23/);
    expect(cronFieldProblem('0 0 32 * *')).toMatch(/third field \(day of the month\) .* 1–31/);
    expect(cronFieldProblem('0 0 * 13 *')).toMatch(/fourth field \(month\) .* 1–12/);
    expect(cronFieldProblem('0 0 * * 5-1')).toMatch(/fifth field \(weekday\)/);
    expect(cronFieldProblem('*/0 * * * *')).toMatch(/first field/);
  });

  it('says how many fields it needs', () => {
    expect(cronFieldProblem('0 3 * *')).toMatch(/five fields.*this has 4/);
  });

  it('accepts names, ranges, lists and steps', () => {
    for (const cron of ['0 9 * * MON-FRI', '0 0 1 JAN,JUL *', '*/5 9-17 * * 1-5', '0 0 L * *', '0 0 * * 7'])
      expect(cronFieldProblem(cron)).toBeNull();
  });

  it('says when the time zone is unknown', () => {
    expect(cronProblem('0 9 * * *', 'Mars/Olympus')).toMatch(/“Mars\/Olympus” is not a time zone/);
    expect(cronProblem('0 9 * * *', 'Europe/Berlin')).toBeNull();
  });
});
