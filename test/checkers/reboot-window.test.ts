/**
 * The reboot-window checker: Zincati `periodic` never starts a reboot outside the node's window;
 * kured never starts one whose last window check (at its tick) found the window closed. Shown
 * firing on deliberately broken models (a Zincati node that finalizes as `immediate`; a kured
 * node whose window check reads a clock three days ahead), and silent on the real ones, kured's
 * long drains past the window's end included.
 */
import { describe, expect, it } from 'vitest';
import { REBOOT_WINDOW } from '../../sim/checkers/index.ts';
import { ZINCATI_STRATEGY } from '../../sim/model/node/agents/zincati.ts';
import { prepare, violationsOf } from './helpers.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

// The run starts on a Monday (scenario `start` default); the window opens Saturday 02:00 UTC.
const zincatiPeriodic = `
name: periodic
duration: 8d
fleet:
  groups:
    - {name: prod, nodes: 10, zones: [a]}
releases:
  - {version: 41.20250101.3.0, at: 1h}
reboot:
  agent: zincati
  strategy: periodic
  window: {days: [Sat], start: "02:00", length: 2h}
`;

const kured = (drain: string) => `
name: kured
duration: 8d
fleet:
  groups:
    - {name: prod, nodes: 10, zones: [a]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  agent: kured
  maxConcurrent: 2
  period: 30m
  drain: ${drain}
  window: {days: [Sat], start: "02:00", length: 2h}
`;

describe('reboot-window checker', () => {
  it('stays silent on Zincati periodic: every node waits for Saturday 02:00 UTC and reboots inside the window', () => {
    const run = prepare(zincatiPeriodic);
    run.runToEnd();
    const report = run.report();
    expect(report.fleet.updated).toBe(10);
    expect(report.reboots.outsideWindow).toBe(0);
    expect(report.rollout.completedAt).toBeGreaterThan(5 * DAY_MS + 2 * HOUR_MS);
    expect(violationsOf(run, REBOOT_WINDOW)).toEqual([]);
  });

  it('fires when a Zincati periodic node finalizes without asking the window (a broken machine: its strategy code set to immediate)', () => {
    const run = prepare(zincatiPeriodic);
    run.world.rebootManager.set(3, 'strategy', ZINCATI_STRATEGY.IMMEDIATE);
    run.runToEnd();
    const found = violationsOf(run, REBOOT_WINDOW);
    expect(found.map((v) => v.message)).toEqual(['node 3 (zincati periodic) started a reboot outside its window, on its clock']);
    // On Monday, an hour or so after the release, not on Saturday.
    expect(found[0].time).toBeLessThan(2 * HOUR_MS);
  });

  it('stays silent on kured whose drain (3h) outlasts the window it began in: the decision was taken inside', () => {
    const run = prepare(kured('3h'));
    run.runToEnd();
    const report = run.report();
    expect(report.reboots.outsideWindow).toBeGreaterThan(0);
    expect(violationsOf(run, REBOOT_WINDOW)).toEqual([]);
  });

  it('fires when a kured node reboots after a window check that read the wrong clock (a broken world)', () => {
    const run = prepare(kured('1m'));
    let broken = false;
    // Node 5's first window check after the update is staged reads its clock skewed into
    // Saturday's window, the skew undone right after the check: the agent decides on a wrong
    // clock, the checker reads the true one.
    run.world.onGateCheck((node, nowMs) => {
      if (broken || node !== 5 || nowMs < 2 * HOUR_MS) return;
      broken = true;
      const skewMs = saturdayWindowSkewMs(nowMs);
      run.world.skewClock(5, skewMs);
      run.sim.callAfter(1, () => run.world.skewClock(5, -skewMs));
    });
    run.runUntil(DAY_MS);
    const found = violationsOf(run, REBOOT_WINDOW);
    expect(found.map((v) => v.message)).toEqual(['node 5 (kured) started a reboot with its last window check found the window closed']);
  });
});

/** The skew that moves a run time on Monday (the run's start, 00:00 UTC) into Saturday 03:00. */
function saturdayWindowSkewMs(nowMs: number): number {
  return 5 * DAY_MS + 3 * HOUR_MS - nowMs;
}
