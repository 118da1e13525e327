// A five-field cron expression in plain words: "every weekday at 09:00",
// "every 15 minutes", "at 00:00 on the 1st of the month". Uncommon shapes fall
// back to a field-by-field reading rather than a wrong sentence.
import { CRON_FIELDS, cronFieldProblem, fieldValue } from './cron.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (hour: number, minute: number) => `${pad(hour)}:${pad(minute)}`;

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function and(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The single values of a list field ("1,15" → [1, 15]), or null if it has ranges or steps. */
function list(index: number, text: string): number[] | null {
  const values = text.split(',').map((part) => fieldValue(CRON_FIELDS[index]!, part));
  return values.every((v) => v !== null) ? values : null;
}

function step(text: string): number | null {
  const match = /^\*\/(\d+)$/.exec(text);
  return match ? Number(match[1]) : null;
}

function range(index: number, text: string): [number, number] | null {
  const [from, to, extra] = text.split('-');
  if (extra !== undefined || to === undefined) return null;
  const a = fieldValue(CRON_FIELDS[index]!, from!);
  const b = fieldValue(CRON_FIELDS[index]!, to);
  return a === null || b === null ? null : [a, b];
}

/** The time of day: a fixed clock time ("at 09:00") or a frequency ("every 15 minutes"). */
function timeOfDay(minute: string, hour: string): { at: boolean; text: string } | null {
  const minutes = list(0, minute);
  const hours = list(1, hour);
  if (minutes?.length === 1 && hours && hours.length <= 4) {
    return { at: true, text: `at ${and(hours.map((h) => clock(h, minutes[0]!)))}` };
  }
  const everyMinutes = minute === '*' ? 1 : step(minute);
  const hourRange = range(1, hour);
  if (everyMinutes !== null) {
    const every = everyMinutes === 1 ? 'every minute' : `every ${everyMinutes} minutes`;
    if (hour === '*') return { at: false, text: every };
    if (hourRange) {
      return { at: false, text: `${every} from ${clock(hourRange[0], 0)} to ${clock(hourRange[1], 59)}` };
    }
    if (hours?.length === 1)
      return { at: false, text: `${every} from ${clock(hours[0]!, 0)} to ${clock(hours[0]!, 59)}` };
    return null;
  }
  if (minutes?.length === 1) {
    const past = `${minutes[0]} minute${minutes[0] === 1 ? '' : 's'} past`;
    if (hour === '*') return { at: false, text: minutes[0] === 0 ? 'every hour' : `every hour at ${past}` };
    const everyHours = step(hour);
    if (everyHours !== null) {
      return { at: false, text: `every ${everyHours} hours${minutes[0] === 0 ? '' : ` at ${past}`}` };
    }
    if (hourRange) {
      return {
        at: false,
        text: `every hour from ${clock(hourRange[0], minutes[0]!)} to ${clock(hourRange[1], minutes[0]!)}`,
      };
    }
  }
  return null;
}

function weekdays(text: string): { every: string; on: string } | null {
  const days = list(4, text)?.map((d) => d % 7);
  const span = range(4, text);
  if (span && span[0] === 1 && span[1] === 5) return { every: 'every weekday', on: 'on weekdays' };
  if (span) {
    const names = `${WEEKDAYS[span[0] % 7]} to ${WEEKDAYS[span[1] % 7]}`;
    return { every: `every ${names}`, on: `from ${names}` };
  }
  if (!days) return null;
  const sorted = [...new Set(days)].sort();
  if (sorted.join() === '0,6') return { every: 'every Saturday and Sunday', on: 'at weekends' };
  if (sorted.join() === '1,2,3,4,5') return { every: 'every weekday', on: 'on weekdays' };
  return {
    every: `every ${and(sorted.map((d) => WEEKDAYS[d]!))}`,
    on: `on ${and(sorted.map((d) => `${WEEKDAYS[d]!}s`))}`,
  };
}

function daysOfMonth(text: string): string | null {
  if (text.toUpperCase() === 'L') return 'the last day';
  const days = list(2, text);
  return days ? `the ${and(days.map(ordinal))}` : null;
}

function months(text: string): string | null {
  const values = list(3, text);
  return values ? and(values.map((m) => MONTHS[m]!)) : null;
}

function fieldByField(fields: string[]): string {
  const parts = fields
    .map((text, i) => (text === '*' ? null : `${CRON_FIELDS[i]!.name} ${text}`))
    .filter(Boolean);
  return `when ${and(parts as string[])} (cron: ${fields.join(' ')})`;
}

/** The expression as a person would say it, or null when the expression is not valid. */
export function describeCron(cron: string): string | null {
  if (cronFieldProblem(cron)) return null;
  const fields = cron.trim().split(/\s+/);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const time = timeOfDay(minute, hour);
  if (!time) return fieldByField(fields);

  const week = dow === '*' ? null : weekdays(dow);
  const day = dom === '*' ? null : daysOfMonth(dom);
  const inMonths = month === '*' ? null : months(month);
  if ((dow !== '*' && !week) || (dom !== '*' && !day) || (month !== '*' && !inMonths)) {
    return fieldByField(fields);
  }

  // Cron fires when either the day of the month or the weekday matches, if both are set.
  const dayPhrase = [day && `on ${day} of ${inMonths ?? 'the month'}`, week?.on]
    .filter(Boolean)
    .join(' and ');
  const monthOnly = !day && inMonths ? ` in ${inMonths}` : '';
  if (time.at) {
    if (day) return `${time.text} ${dayPhrase}${monthOnly}`;
    if (week) return `${week.every} ${time.text}${monthOnly}`;
    return `every day ${time.text}${monthOnly}`;
  }
  return [time.text, dayPhrase].filter(Boolean).join(' ') + monthOnly;
}
