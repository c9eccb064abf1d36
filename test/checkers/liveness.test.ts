/**
 * The liveness checker (TigerBeetle's VOPR liveness phase): after the last fault healed, the
 * rollout settles within `liveness.bound`. Mutation: a reboot lock that never grants, so the
 * rollout stalls; with a fault in the run it fires once, at the deadline. It does not judge runs
 * without faults, runs whose horizon ends before the deadline, or runs with a fault that never
 * heals; and it accepts a group halted by policy or nodes that failed the release.
 */
import { describe, expect, it } from 'vitest';
import { LIVENESS } from '../../sim/checkers/index.ts';
import type { FleetRun } from '../../sim/run/fleet-run.ts';
import { prepare, rollout, violationsOf } from './helpers.ts';

const OUTAGE = 'faults:\n  - {at: 1h, kind: server-outage, duration: 1m}';

/** The mutation: every lock request is answered `full`. */
function neverGrant(run: FleetRun): void {
  const lock = run.world.rebootGroups.clientOf(0).lock as unknown as { acquire: (n: number, g: string, cb: (r: unknown) => void) => void };
  lock.acquire = (_node, _group, callback) => run.sim.callAfter(5, () => callback({ ok: false, outcome: 'full', holders: 1 }));
}

describe('liveness checker', () => {
  it('fires at the deadline when the rollout stalls after the faults healed', () => {
    const run = prepare(rollout('etcd-lock', `${OUTAGE}\nliveness: {bound: 6h}`));
    neverGrant(run);
    run.runToEnd();
    const found = violationsOf(run, LIVENESS);
    expect(found).toHaveLength(1);
    expect(found[0].time).toBe(3_600_000 + 60_000 + 6 * 3_600_000);
    expect(found[0].message).toMatch(/^the rollout did not settle .*: 30 nodes neither on target nor failed, e.g. 0 \(prod, 3760.2.0, running.good\/UPDATED_NEED_REBOOT\/locking\)/);
  });

  it('does not judge a run without faults, a horizon before the deadline, or a fault that never heals', () => {
    const cases = [
      rollout('etcd-lock', 'liveness: {bound: 6h}'),
      rollout('etcd-lock', `${OUTAGE}\nliveness: {bound: 30h}`),
      rollout('etcd-lock', 'faults:\n  - {at: 1h, kind: etcd-kill, target: {etcd: 1}}\nliveness: {bound: 6h}'),
    ];
    for (const yaml of cases) {
      const run = prepare(yaml);
      neverGrant(run);
      run.runToEnd();
      expect(violationsOf(run, LIVENESS)).toEqual([]);
    }
  });

  it('accepts nodes that failed the release and groups halted by policy', () => {
    const failing = prepare(rollout('reboot', `${OUTAGE}\nliveness: {bound: 6h}`).replace('{version: 3815.2.0, at: 1h}', '{version: 3815.2.0, at: 1h, bootFailureProbability: 1}'));
    failing.runToEnd();
    const report = failing.report();
    expect(report.rollout.completed).toBe(false);
    expect(report.fleet.rolledBack + (report.rollout.halted ? 1 : 0)).toBeGreaterThan(0);
    expect(violationsOf(failing, LIVENESS)).toEqual([]);
  });
});

/** A kured fleet (kured cmd/kured/main.go rebootAsRequired) with a server outage as its fault. */
const kured = (alert: string) => `
name: kured-liveness
duration: 4d
liveness: {bound: 1d}
fleet:
  groups:
    - {name: workers, nodes: 30, zones: [a, b]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  agent: kured
  maxConcurrent: 3
  period: 1h
  drain: 1m
  alerts:
    - ${alert}
${OUTAGE}
`;

describe('liveness checker and kured blockers (kured pkg/blockers, pkg/delaytick)', () => {
  it('excuses the nodes an alert flapping in phase with --period held at every tick, and only those', () => {
    // 20 minutes of every hour, --period 1h: the nodes whose tick falls in it are held for good.
    const run = prepare(kured('{at: 0s, duration: 20m, every: 1h}'));
    run.runToEnd();
    const report = run.report();
    expect(report.rollout.completed).toBe(false);
    const held = run.world.kuredTicks!;
    const heldNodes = Array.from({ length: 30 }, (_, node) => node).filter((node) => held.heldSince(node, 3_600_000 + 60_000));
    // Every node not updated is one of the held ones, and every held one is not updated.
    expect(heldNodes.length).toBe(30 - report.fleet.updated);
    expect(heldNodes.length).toBeGreaterThan(3);
    expect(violationsOf(run, LIVENESS)).toEqual([]);
  });

  it('still fires when the alert lets some ticks through but the rollout stalls for another reason', () => {
    // The alert fires 20 minutes of every 170: every node gets unblocked ticks; the lock never grants.
    const run = prepare(kured('{at: 0s, duration: 20m, every: 170m}'));
    neverGrant(run);
    run.runToEnd();
    const found = violationsOf(run, LIVENESS);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/30 nodes neither on target nor failed/);
  });
});
