// Conversions shared by the importers: a tool's duration text to a scenario duration, days and
// times of day to the scenario's window notation. Each names the tool whose rules it follows.

import { formatDuration, parseDuration } from '../../scenario/index.ts';
import { ImportError, type SourceRef } from './fragment.ts';

/**
 * A Go duration (`time.ParseDuration`: `1h0m0s`, `90m`, `1.5h`, `300ms`; what kured and
 * locksmith read) as a scenario duration. fleetsim reads the same compound notation; a unit it
 * does not have (`us`, `ns`) or a negative value is an error, located.
 */
export function goDuration(text: string, source: SourceRef, what: string): string {
  const parsed = parseDuration(text.trim() === '' ? text : text.trim());
  if (!parsed.ok) throw new ImportError(source, `${what}: expected a duration like 1h or 90m, found ${JSON.stringify(text)}`);
  return formatDuration(parsed.value);
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * kured's day names (pkg/timewindow/days.go dayStrings: `su`, `sun`, `sunday`, any case) and
 * Zincati's/locksmith's three-letter ones, as the scenario's `Sun`..`Sat`; null when unknown.
 */
export function dayName(text: string): string | null {
  const lower = text.trim().toLowerCase();
  for (let i = 0; i < DAY_NAMES.length; i++) {
    const full = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][i];
    if (lower === full || lower === full.slice(0, 3) || lower === full.slice(0, 2)) return DAY_NAMES[i];
  }
  return null;
}

/** Minutes after midnight as the scenario's `"HH:MM"`. */
export function clockText(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** `HH:MM` (24-hour; locksmith's `%d:%d`, Zincati's start_time) as minutes after midnight, or null. */
export function clockMinutes(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (match === null) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : null;
}
