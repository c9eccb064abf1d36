/**
 * The reboot window's day and time-of-day readings (sim/scenario/window.ts): day names whole or
 * in three letters, any case, spaces around ignored; a time of day `H:MM` or `HH:MM` from 00:00 to
 * 23:59 and nothing around it; a value that is not text gets its own located error.
 */
import { describe, expect, it } from 'vitest';
import { parseClockTime, parseDay } from '../../sim/scenario/window.ts';
import { MINIMAL, errorsOf, lines } from './helpers.ts';

describe('reboot window readings', () => {
  it('reads a day by its name or first three letters, in any case, spaces around ignored', () => {
    expect(parseDay('Mon')).toBe(1);
    expect(parseDay(' saturday ')).toBe(6);
    expect(parseDay('SUN')).toBe(0);
    expect(parseDay('Mo')).toBeNull();
    expect(parseDay('Someday')).toBeNull();
  });

  it('reads a time of day as minutes after midnight, 00:00 to 23:59, spaces around ignored', () => {
    expect(parseClockTime('04:00')).toBe(240);
    expect(parseClockTime('4:30')).toBe(270);
    expect(parseClockTime(' 23:59 ')).toBe(23 * 60 + 59);
    expect(parseClockTime('00:00')).toBe(0);
    expect(parseClockTime('12:60')).toBeNull();
    expect(parseClockTime('24:00')).toBeNull();
    expect(parseClockTime('x04:00')).toBeNull();
    expect(parseClockTime('04:00x')).toBeNull();
    expect(parseClockTime('noon')).toBeNull();
  });

  it('locates a day or a start that is not text (columns counted by hand)', () => {
    expect(errorsOf(lines(MINIMAL, 'reboot: {window: {days: [1], start: "01:00", length: 2h}}'))).toEqual([
      'test.yaml:3:26: reboot.window.days[0]: expected a day like Mon or Thursday, found the number 1',
    ]);
    expect(errorsOf(lines(MINIMAL, 'reboot: {window: {start: 400, length: 2h}}'))).toEqual([
      'test.yaml:3:26: reboot.window.start: expected a time of day like "04:00" (quoted), found the number 400',
    ]);
  });
});
