// How many openings of a reboot window a rollout spans: "does patching fit in one maintenance
// window?" is the question a pull request that changes a window or a concurrency asks. Read on
// the calendar (scenario `start` + simulated ms) with the model's own weekly schedule, so the
// answer agrees with what the agents did (sim/model/calendar/weekly-schedule.ts). Pure.

import { WeeklySchedule } from '../../model/calendar/weekly-schedule.ts';
import type { RebootWindow } from '../../scenario/index.ts';

/** A bound on the loop: a 366-day horizon has at most 7 openings a week, 53 weeks. */
const MAX_OPENINGS = 7 * 53 + 2;

export function windowSchedule(window: RebootWindow): WeeklySchedule {
  return WeeklySchedule.window(window.days, window.start, window.length, window.timezone);
}

/**
 * The openings of `schedule` that overlap [fromMs, toMs] (epoch ms): 1 when the whole span lies
 * in one opening, 0 when it lies between two (no reboot needed one).
 */
export function openingsSpanned(schedule: WeeklySchedule, fromMs: number, toMs: number): number {
  if (!(toMs >= fromMs)) throw new Error(`openingsSpanned: expected from <= to, found ${fromMs} > ${toMs}`);
  let t = fromMs;
  let count = 0;
  if (schedule.isOpen(t)) {
    count = 1;
    t += schedule.msUntilClose(t);
  }
  for (let i = 0; i < MAX_OPENINGS && t <= toMs; i++) {
    const wait = schedule.msUntilOpen(t);
    if (!Number.isFinite(wait) || t + wait > toMs) break;
    count++;
    t += wait;
    const open = schedule.msUntilClose(t);
    if (!Number.isFinite(open)) break;
    t += open;
  }
  return count;
}
