// Five-field cron, read the same way by the server's scheduler and by the app:
// which field is wrong and what it accepts, and when an expression next fires.
// Croner does the calendar arithmetic (months, leap years, time zones, DST).
import { Cron } from 'croner';

export interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names the field accepts besides numbers (JAN…, SUN…), index = value. */
  names?: readonly string[];
}

export const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export const MONTH_NAMES = [
  '',
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;

export const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of the month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  // 7 is Sunday too, as in most crons.
  { name: 'weekday', min: 0, max: 7, names: WEEKDAY_NAMES },
];

const ORDINAL = ['first', 'second', 'third', 'fourth', 'fifth'];

/** The number a field's single value stands for, or null when it is not one. */
export function fieldValue(field: CronField, text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names ? field.names.indexOf(text.toUpperCase()) : -1;
  return index >= 0 && field.names![index] ? index : null;
}

function accepts(field: CronField): string {
  const names = field.names ? ` or names (${field.names.filter(Boolean).slice(0, 3).join(', ')}…)` : '';
  return `${field.min}–${field.max}${names}, * for every, a range (${field.min}-${field.min + 4}), a list (${field.min},${field.min + 2}) or a step (*/2)`;
}

function partProblem(field: CronField, part: string): boolean {
  const [range = '', step, extra] = part.split('/');
  if (extra !== undefined) return true;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return true;
  if (range === '*') return false;
  const ends = range.split('-');
  if (ends.length > 2) return true;
  const values = ends.map((e) => fieldValue(field, e));
  if (values.some((v) => v === null || v < field.min || v > field.max)) return true;
  return ends.length === 2 && values[0]! > values[1]!;
}

/**
 * What is wrong with the expression itself (not the time zone), as a sentence
 * that names the field and what it accepts; null when every field is fine.
 */
export function cronFieldProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `A schedule needs five fields: minute hour day-of-month month weekday (this has ${fields.length}).`;
  }
  for (const [i, text] of fields.entries()) {
    const field = CRON_FIELDS[i]!;
    // L (last day of the month) is the one extension the reading below understands.
    if (i === 2 && text.toUpperCase() === 'L') continue;
    if (text.split(',').some((part) => partProblem(field, part))) {
      return `The ${ORDINAL[i]} field (${field.name}) is “${text}”; it accepts ${accepts(field)}.`;
    }
  }
  return null;
}

/** What is wrong with the expression or the zone; null when the schedule can run. */
export function cronProblem(cron: string, timezone: string): string | null {
  const problem = cronFieldProblem(cron);
  if (problem) return problem;
  if (!isTimeZone(timezone))
    return `“${timezone}” is not a time zone; pick one such as Europe/Berlin or UTC.`;
  try {
    nextRuns(cron, timezone, Date.now(), 1);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The next `count` times (ms since the epoch) the expression fires after `after`, in `timezone`. */
export function nextRuns(cron: string, timezone: string, after: number, count: number): number[] {
  const job = new Cron(cron.trim(), { timezone, paused: true });
  try {
    return job.nextRuns(count, new Date(after)).map((d) => d.getTime());
  } finally {
    job.stop();
  }
}

/** When the expression next fires after `after`, or null if never. Throws on a bad expression. */
export function nextRun(cron: string, timezone: string, after: number): number | null {
  return nextRuns(cron, timezone, after, 1)[0] ?? null;
}
