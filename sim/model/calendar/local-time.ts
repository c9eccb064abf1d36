import { assert, fail } from '../../engine/assert.ts';

/**
 * Local wall-clock time in an IANA time zone, from epoch milliseconds, with Intl only (pure JS,
 * so it runs in the browser too). Office hours and reboot windows are read in local time, and
 * their boundaries move with daylight saving time, as in Nebraska's inOfficeHoursNow (which calls
 * time.Now().In(location)).
 */
export const MINUTE_MS = 60_000;
export const DAY_MINUTES = 1440;
export const WEEK_MINUTES = 7 * DAY_MINUTES;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at `epochMs`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const parts = formatter(timeZone).formatToParts(epochMs);
  const field = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const localAsUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  const wholeSecondsMs = Math.floor(epochMs / 1000) * 1000;
  const offsetMs = localAsUtc - wholeSecondsMs;
  if (!(Math.abs(offsetMs) <= 18 * 3_600_000)) fail(`implausible offset ${offsetMs} ms for ${timeZone}`);
  return offsetMs;
}

/** Minutes since local Sunday 00:00 (fractional), in [0, 10080). */
export function localMinuteOfWeek(epochMs: number, timeZone: string): number {
  const localMs = epochMs + zoneOffsetMs(epochMs, timeZone);
  const dayIndex = Math.floor(localMs / DAY_MS);
  // 1970-01-01 was a Thursday (4).
  const weekday = (((dayIndex + 4) % 7) + 7) % 7;
  const msOfDay = localMs - dayIndex * DAY_MS;
  return weekday * DAY_MINUTES + msOfDay / MINUTE_MS;
}
