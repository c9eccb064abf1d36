// A reboot window (locksmith's `window-start` + `window-length`, Zincati's `periodic`): reboots
// start only on the listed days, from `start` for `length`, in `timezone`. Days are normalised
// to 0 = Sunday .. 6 = Saturday (JavaScript's getDay), `start` to minutes after midnight.

import { z } from 'zod';
import { describeFound } from './units.ts';
import { positiveDurationMs, strict, timeZone } from './fields.ts';

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** `Mon`, `mon`, `Monday` -> 1; anything else -> null. */
export function parseDay(text: string): number | null {
  const lower = text.trim().toLowerCase();
  const index = DAY_NAMES.findIndex((day) => day === lower || day.slice(0, 3) === lower);
  return index < 0 ? null : index;
}

const day = () =>
  z.string({ error: (issue) => `expected a day like Mon or Thursday, found ${describeFound(issue.input)}` }).transform((text, ctx) => {
    const index = parseDay(text);
    if (index !== null) return index;
    ctx.addIssue({ code: 'custom', message: `expected a day like Mon or Thursday, found ${JSON.stringify(text)}`, input: text });
    return z.NEVER;
  });

/** "04:00" -> 240 (minutes after midnight). */
export function parseClockTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (match === null) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : null;
}

const clockTime = () =>
  z.string({ error: (issue) => `expected a time of day like "04:00" (quoted), found ${describeFound(issue.input)}` }).transform((text, ctx) => {
    const minutes = parseClockTime(text);
    if (minutes !== null) return minutes;
    ctx.addIssue({ code: 'custom', message: `expected a time of day from "00:00" to "23:59", found ${JSON.stringify(text)}`, input: text });
    return z.NEVER;
  });

const ALL_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEK_MS = 7 * 24 * 3_600_000;

export const windowSchema = () =>
  strict({
    days: z.array(day()).min(1).prefault(ALL_DAYS),
    start: clockTime(),
    length: positiveDurationMs(),
    timezone: timeZone().prefault('UTC'),
  }).check((ctx) => {
    const w = ctx.value;
    if (new Set(w.days).size !== w.days.length) {
      ctx.issues.push({ code: 'custom', message: 'expected each day at most once, found a day listed twice', input: w.days, path: ['days'] });
    }
    if (w.length > WEEK_MS) {
      ctx.issues.push({ code: 'custom', message: `expected a window of at most 1w, found ${w.length}ms`, input: w.length, path: ['length'] });
    }
  })
  .transform((w) => ({ ...w, days: [...w.days].sort((a, b) => a - b) }));

export type RebootWindow = z.output<ReturnType<typeof windowSchema>>;
