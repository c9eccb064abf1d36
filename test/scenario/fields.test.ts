/**
 * isTimeZone answers from Intl's zone list first (a cold DateTimeFormat costs 20-30 ms of start-up)
 * and must accept exactly the names a DateTimeFormat accepts, which is what the model later uses
 * (sim/model/calendar/local-time.ts).
 */
import { describe, expect, it } from 'vitest';
import { isTimeZone } from '../../sim/scenario/fields.ts';

/** The reference answer, computed without the list. */
function dateTimeFormatAccepts(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

describe('isTimeZone', () => {
  it('accepts every zone of Intl.supportedValuesOf and UTC, as DateTimeFormat does', () => {
    const listed = Intl.supportedValuesOf('timeZone');
    expect(listed.length).toBeGreaterThan(300);
    for (const name of ['UTC', ...listed]) expect([name, isTimeZone(name)]).toEqual([name, dateTimeFormatAccepts(name)]);
  });

  it('gives DateTimeFormat\'s answer for names outside the list: aliases, other case, offsets, garbage', () => {
    const names = ['Etc/UTC', 'US/Eastern', 'Asia/Kolkata', 'europe/berlin', 'utc', 'GMT', '+01:00', 'Etc/GMT+5', 'Mars/Olympus', '', ' UTC', 'Europe/Berlin '];
    const answers = names.map((name) => [name, isTimeZone(name)]);
    expect(answers).toEqual(names.map((name) => [name, dateTimeFormatAccepts(name)]));
    // Both kinds occur, so the comparison is not vacuous.
    expect(answers.some(([, ok]) => ok)).toBe(true);
    expect(answers.some(([, ok]) => !ok)).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
