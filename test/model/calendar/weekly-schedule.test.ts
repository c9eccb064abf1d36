/**
 * Office hours (Nebraska api.go inOfficeHoursNow: Mon-Fri 09:00-17:00 in the group's zone) and
 * reboot windows (locksmith window-start/window-length) on the calendar, DST included.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WeeklySchedule } from '../../../sim/model/calendar/weekly-schedule.ts';
import { localMinuteOfWeek, zoneOffsetMs } from '../../../sim/model/calendar/local-time.ts';

const MONDAY = Date.parse('2024-01-01T00:00:00Z'); // a Monday
const H = 3_600_000;

describe('local time', () => {
  it('knows 2024-01-01 is a Monday and Sunday starts the week', () => {
    expect(localMinuteOfWeek(MONDAY, 'UTC')).toBe(1440);
    expect(localMinuteOfWeek(MONDAY - 1, 'UTC')).toBeCloseTo(1440 - 1 / 60000, 6);
  });

  it('reads offsets with daylight saving time (America/New_York: -5h in January, -4h in July)', () => {
    expect(zoneOffsetMs(MONDAY, 'America/New_York')).toBe(-5 * H);
    expect(zoneOffsetMs(Date.parse('2024-07-01T12:00:00Z'), 'America/New_York')).toBe(-4 * H);
  });
});

describe('office hours (Nebraska inOfficeHoursNow)', () => {
  const utc = WeeklySchedule.officeHours('UTC');

  it('is open Monday 09:00 to 17:00 and closed at 17:00 sharp', () => {
    expect(utc.isOpen(MONDAY + 9 * H)).toBe(true);
    expect(utc.isOpen(MONDAY + 17 * H - 1)).toBe(true);
    expect(utc.isOpen(MONDAY + 17 * H)).toBe(false);
    expect(utc.isOpen(MONDAY + 9 * H - 1)).toBe(false);
  });

  it('is closed all weekend', () => {
    const saturdayNoon = MONDAY + 5 * 24 * H + 12 * H;
    expect(utc.isOpen(saturdayNoon)).toBe(false);
    expect(utc.isOpen(saturdayNoon + 24 * H)).toBe(false);
  });

  it('opens next Monday 09:00 when asked on Friday evening', () => {
    const fridayEvening = MONDAY + 4 * 24 * H + 18 * H;
    expect(utc.msUntilOpen(fridayEvening)).toBe(3 * 24 * H - 18 * H + 9 * H);
  });

  it('opens at 09:00 local in its own zone (Europe/Paris is UTC+1 in January)', () => {
    const paris = WeeklySchedule.officeHours('Europe/Paris');
    expect(paris.msUntilOpen(MONDAY)).toBe(8 * H);
    expect(paris.msUntilClose(MONDAY + 8 * H)).toBe(8 * H);
  });

  it('never grants outside Mon-Fri 09:00-17:00 local, and msUntilOpen lands on an opening', () => {
    const ny = WeeklySchedule.officeHours('America/New_York');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 24 * 60 }), (minutes) => {
        const t = MONDAY + minutes * 60_000;
        const m = localMinuteOfWeek(t, 'America/New_York');
        const day = Math.floor(m / 1440);
        const hour = (m % 1440) / 60;
        expect(ny.isOpen(t)).toBe(day >= 1 && day <= 5 && hour >= 9 && hour < 17);
        const wait = ny.msUntilOpen(t);
        expect(ny.isOpen(t + wait)).toBe(true);
        if (wait > 60_000) expect(ny.isOpen(t + wait - 60_000)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('reboot windows (locksmith window-start + window-length)', () => {
  it('opens on the listed days only', () => {
    const w = WeeklySchedule.window([1, 4], 4 * 60, 2 * H, 'UTC');
    expect(w.isOpen(MONDAY + 4 * H)).toBe(true);
    expect(w.isOpen(MONDAY + 6 * H)).toBe(false);
    expect(w.isOpen(MONDAY + 24 * H + 5 * H)).toBe(false);
    expect(w.msUntilOpen(MONDAY + 6 * H)).toBe(3 * 24 * H - 2 * H);
  });

  it('runs past midnight into the next day', () => {
    const w = WeeklySchedule.window([6], 23 * 60, 3 * H, 'UTC');
    const saturday23 = MONDAY + 5 * 24 * H + 23 * H;
    expect(w.isOpen(saturday23 + 90 * 60_000)).toBe(true);
    expect(w.msUntilClose(saturday23)).toBe(3 * H);
  });

  it('a window covering every day all day never closes', () => {
    const w = WeeklySchedule.window([0, 1, 2, 3, 4, 5, 6], 0, 24 * H, 'UTC');
    expect(w.msUntilOpen(MONDAY)).toBe(0);
    expect(w.msUntilClose(MONDAY)).toBe(Infinity);
  });
});
