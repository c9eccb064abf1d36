import { assert, fail } from '../../engine/assert.ts';
import { DAY_MINUTES, localMinuteOfWeek, MINUTE_MS, WEEK_MINUTES, zoneOffsetMs } from './local-time.ts';

/**
 * A weekly schedule of open intervals in local time: Nebraska's office hours (Mon-Fri 09:00-17:00
 * in the group's zone) and locksmith / Zincati reboot windows (days, start, length, zone). It
 * answers the two questions the model asks: is it open at t, and how long until it opens (or
 * closes) — the latter lets nodes sleep until a window instead of polling.
 */
export interface Interval {
  /** Minutes since local Sunday 00:00, in [0, 10080). */
  startMinute: number;
  /** Length in minutes, > 0; an interval may run past Saturday midnight into Sunday. */
  lengthMinutes: number;
}

export class WeeklySchedule {
  constructor(
    readonly intervals: readonly Interval[],
    readonly timeZone: string,
  ) {
    for (const i of intervals) {
      if (!(i.startMinute >= 0 && i.startMinute < WEEK_MINUTES)) fail(`interval start ${i.startMinute} outside the week`);
      if (!(i.lengthMinutes > 0 && i.lengthMinutes <= WEEK_MINUTES)) fail(`interval length ${i.lengthMinutes} outside (0, 1w]`);
    }
  }

  /** Nebraska office hours: Monday to Friday, 09:00 to 17:00 (api.go inOfficeHoursNow). */
  static officeHours(timeZone: string): WeeklySchedule {
    const intervals = [1, 2, 3, 4, 5].map((day) => ({ startMinute: day * DAY_MINUTES + 9 * 60, lengthMinutes: 8 * 60 }));
    return new WeeklySchedule(intervals, timeZone);
  }

  /** A reboot window: on each listed day (0 = Sunday), from `startMinute` for `lengthMs`. */
  static window(days: readonly number[], startMinute: number, lengthMs: number, timeZone: string): WeeklySchedule {
    const lengthMinutes = Math.min(WEEK_MINUTES, lengthMs / MINUTE_MS);
    return new WeeklySchedule(
      days.map((day) => ({ startMinute: day * DAY_MINUTES + startMinute, lengthMinutes })),
      timeZone,
    );
  }

  isOpen(epochMs: number): boolean {
    return this.openAtMinute(localMinuteOfWeek(epochMs, this.timeZone));
  }

  /** 0 when open at `epochMs`, else the ms until the next opening. */
  msUntilOpen(epochMs: number): number {
    return this.msUntil(epochMs, true);
  }

  /** 0 when closed at `epochMs`, else the ms until it next closes (Infinity if it never does). */
  msUntilClose(epochMs: number): number {
    return this.msUntil(epochMs, false);
  }

  private openAtMinute(minute: number): boolean {
    for (const i of this.intervals) {
      const into = (((minute - i.startMinute) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
      if (into < i.lengthMinutes) return true;
    }
    return false;
  }

  /**
   * Steps from one boundary of the schedule to the next in local minutes, then converts to real
   * time; the zone's offset may differ at the boundary (daylight saving time), so each step is
   * checked against the real clock. Bounded: a schedule has at most 2 boundaries per interval a
   * week, and we look two weeks ahead.
   */
  private msUntil(epochMs: number, wantOpen: boolean): number {
    if (this.openAtMinute(localMinuteOfWeek(epochMs, this.timeZone)) === wantOpen) return 0;
    if (this.intervals.length === 0) return wantOpen ? Infinity : 0;
    if (!wantOpen && this.coversWholeWeek()) return Infinity;
    const boundaries = this.boundaries();
    let t = epochMs;
    for (let step = 0; step < 4 * boundaries.length + 8; step++) {
      const minute = localMinuteOfWeek(t, this.timeZone);
      let best = Infinity;
      for (const b of boundaries) {
        let ahead = (((b - minute) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
        if (ahead < 1e-9) ahead = WEEK_MINUTES;
        if (ahead < best) best = ahead;
      }
      const naive = t + Math.max(1, Math.round(best * MINUTE_MS));
      // The boundary is at a local time; if the zone's offset changes on the way (daylight
      // saving), the real instant moves by the difference.
      const shifted = naive - (zoneOffsetMs(naive, this.timeZone) - zoneOffsetMs(t, this.timeZone));
      for (const candidate of shifted < naive ? [shifted, naive] : [naive, shifted]) {
        if (candidate > t && this.openAtMinute(localMinuteOfWeek(candidate, this.timeZone)) === wantOpen) {
          return candidate - epochMs;
        }
      }
      t = Math.max(naive, shifted);
    }
    throw new Error(`no ${wantOpen ? 'opening' : 'closing'} of the schedule found within two weeks`);
  }

  private boundaries(): number[] {
    const out: number[] = [];
    for (const i of this.intervals) {
      out.push(i.startMinute, (i.startMinute + i.lengthMinutes) % WEEK_MINUTES);
    }
    return out;
  }

  private coversWholeWeek(): boolean {
    // Sampled at each boundary: if no boundary leads to a closed minute, it never closes.
    return this.boundaries().every((b) => this.openAtMinute(b) && this.openAtMinute((b + WEEK_MINUTES - 1e-6) % WEEK_MINUTES));
  }
}
