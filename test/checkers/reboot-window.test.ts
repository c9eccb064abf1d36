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
import { installRebootWindowChecker } from '../../sim/checkers/reboot-window.ts';
import { scenarioFrom } from '../run/helpers.ts';
import { prepare, standIn, violationsOf } from './helpers.ts';

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

/**
 * The checker on a scenario of the file's (window Saturday 02:00-04:00 UTC, the run starting on
 * Monday 00:00 UTC) and a world of two nodes reduced to their group, their clock skew and the
 * window-check hook; the test emits the reboots and calls the window checks itself.
 */
function handFleet(yaml: string, clockSkewMs: [number, number] = [0, 0]) {
  let gateCheck: ((node: number, nowMs: number) => void) | null = null;
  const world = { nodeCount: 2, nodeGroup: new Uint8Array(2), clockSkewMs: Float64Array.from(clockSkewMs), onGateCheck: (hook: typeof gateCheck) => void (gateCheck = hook) };
  const fed = standIn({ world, scenario: scenarioFrom(yaml) });
  installRebootWindowChecker(fed.run);
  return { ...fed, check: (node: number, nowMs: number) => gateCheck!(node, nowMs) };
}

const SATURDAY_MS = 5 * DAY_MS;

describe('reboot-window checker, fed by hand', () => {
  it('Zincati periodic: reads the window on the node\'s own clock (a clock 2 h ahead opens it at 00:00 true time)', () => {
    const { trace, messages } = handFleet(zincatiPeriodic, [2 * HOUR_MS, 0]);
    trace.emit(SATURDAY_MS + 1 * HOUR_MS, 'node.reboot', 0); // node 0's clock: 03:00, inside
    trace.emit(SATURDAY_MS + 1 * HOUR_MS, 'node.reboot', 1); // node 1's clock: 01:00, outside
    trace.emit(SATURDAY_MS + 2.5 * HOUR_MS, 'node.reboot', 0); // node 0's clock: 04:30, outside
    trace.emit(SATURDAY_MS + 2.5 * HOUR_MS, 'node.reboot', 1); // node 1's clock: 02:30, inside
    expect(messages()).toEqual([
      `${SATURDAY_MS + HOUR_MS} node 1 (zincati periodic) started a reboot outside its window, on its clock`,
      `${SATURDAY_MS + 2.5 * HOUR_MS} node 0 (zincati periodic) started a reboot outside its window, on its clock`,
    ]);
  });

  it('Zincati immediate (and locksmithd) reboot whenever: nothing to check', () => {
    for (const yaml of [zincatiPeriodic.replace('strategy: periodic', 'strategy: immediate'), zincatiPeriodic.replace('agent: zincati', 'agent: locksmithd').replace('strategy: periodic', 'strategy: reboot')]) {
      const { trace, messages } = handFleet(yaml);
      trace.emit(HOUR_MS, 'node.reboot', 0);
      expect(messages()).toEqual([]);
    }
  });

  it('kured: judges the last window check since the node booted (none, closed, open)', () => {
    const { trace, messages, check } = handFleet(kured('1m'));
    trace.emit(1, 'node.reboot', 0); // no check since the run began
    check(0, SATURDAY_MS + 3 * HOUR_MS); // open
    trace.emit(SATURDAY_MS + 5 * HOUR_MS, 'node.reboot', 0); // decided inside: the drain may outlast the window
    trace.emit(SATURDAY_MS + 6 * HOUR_MS, 'node.boot', 0);
    trace.emit(SATURDAY_MS + 7 * HOUR_MS, 'node.reboot', 0); // the boot forgot the check
    check(1, SATURDAY_MS + 5 * HOUR_MS); // closed
    trace.emit(SATURDAY_MS + 5 * HOUR_MS, 'node.reboot', 1);
    expect(messages()).toEqual([
      '1 node 0 (kured) started a reboot with no window check since it booted',
      `${SATURDAY_MS + 7 * HOUR_MS} node 0 (kured) started a reboot with no window check since it booted`,
      `${SATURDAY_MS + 5 * HOUR_MS} node 1 (kured) started a reboot with its last window check found the window closed`,
    ]);
  });

  it("kured: an operator's manual rollback reboots by hand, outside the agent: not judged", () => {
    const { trace, messages } = handFleet(kured('1m'));
    trace.emit(HOUR_MS, 'node.manual-rollback', 0);
    trace.emit(HOUR_MS, 'node.reboot', 0);
    expect(messages()).toEqual([]);
    trace.emit(2 * HOUR_MS, 'node.reboot', 0);
    expect(messages()).toEqual([`${2 * HOUR_MS} node 0 (kured) started a reboot with no window check since it booted`]);
  });
});
