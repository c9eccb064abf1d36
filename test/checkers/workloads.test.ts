/**
 * The workload checkers (sim/checkers/workloads.ts) on real runs: each fires on a deliberately
 * broken model (a budget that grants every eviction, a node that leaves its instances running
 * when it goes down, systemd never restarting a unit) and is silent on the real one.
 */
import { describe, expect, it } from 'vitest';
import { WORKLOAD_BUDGET, WORKLOAD_DOWN_NODE, WORKLOAD_LIVENESS } from '../../sim/checkers/index.ts';
import type { DisruptionBudget } from '../../sim/model/workloads/pdb.ts';
import type { Workloads } from '../../sim/model/workloads/workloads.ts';
import type { FleetRun } from '../../sim/run/fleet-run.ts';
import { installWorkloadCheckers } from '../../sim/checkers/workloads.ts';
import { InstanceTable } from '../../sim/model/workloads/instances.ts';
import type { WorkloadObserver } from '../../sim/model/workloads/workloads.ts';
import { prepare, standIn, violationsOf } from './helpers.ts';

// kured rolls 9 nodes; `ledger` allows no disruption, so every eviction of it must be refused.
const kuredRollout = `
name: checked
duration: 2d
fleet:
  groups:
    - {name: prod, nodes: 9, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {agent: kured, maxConcurrent: 1, period: 30m, drainTimeout: 10m, forceReboot: true}
workloads:
  - {name: ledger, replicas: 3, minAvailable: "100%", startup: {min: 20s, max: 40s}}
  - {name: web, replicas: 18, minAvailable: 15, startup: {min: 5s, max: 15s}}
`;

// A zone loses power for an hour; systemd units (reschedule: false) restart when it is back.
const powerLoss = `
name: checked
duration: 2d
liveness: {bound: 1h}
fleet:
  groups:
    - {name: prod, nodes: 9, zones: [a, b, c]}
workloads:
  - {name: store, replicas: 6, minAvailable: 5, startup: {min: 20s, max: 40s}, reschedule: false}
faults:
  - {at: 2h, kind: power-loss, target: {zone: a}, duration: 1h}
`;

function runtime(run: FleetRun): Workloads {
  const port = run.world.workloads;
  if (port === null) throw new Error('the scenario has workloads');
  return port.workloads;
}

function finished(run: FleetRun): FleetRun {
  run.runToEnd();
  return run;
}

describe('workload-budget: a voluntary eviction never breaks a PDB', () => {
  it('is silent on the real eviction API, though drains are refused and forced reboots break the budget', () => {
    const run = finished(prepare(kuredRollout));
    const report = run.report();
    expect(report.workloads[0].evictionsRefused).toBeGreaterThan(0);
    expect(report.reboots.forced).toBeGreaterThan(0);
    expect(report.workloads[0].minReady).toBeLessThan(3);
    expect(violationsOf(run, WORKLOAD_BUDGET)).toEqual([]);
  });

  it('fires when the budget grants every eviction (a broken checkAndDecrement)', () => {
    const run = prepare(kuredRollout);
    const budgets = (runtime(run) as unknown as { budgets: DisruptionBudget[] }).budgets;
    budgets[0].evict = () => ({ granted: true, status: 201, counted: false });
    const found = violationsOf(finished(run), WORKLOAD_BUDGET);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toMatch(/^workload ledger: a voluntary eviction left 2 ready, below its budget's desiredHealthy 3$/);
  });
});

describe('workload-down-node: no instance runs on a down node', () => {
  it('is silent on the real model through reboots and a power loss', () => {
    expect(violationsOf(finished(prepare(kuredRollout)), WORKLOAD_DOWN_NODE)).toEqual([]);
    expect(violationsOf(finished(prepare(powerLoss)), WORKLOAD_DOWN_NODE)).toEqual([]);
  });

  it('fires when a node going down leaves its instances running', () => {
    const run = prepare(powerLoss);
    runtime(run).table.nodeDown = () => [];
    const found = violationsOf(finished(run), WORKLOAD_DOWN_NODE);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].time).toBe(2 * 3_600_000);
    expect(found[0].message).toMatch(/^instance \d+ of store is ready on node \d+, which is down$/);
  });
});

describe('workload-liveness: after the faults heal every workload returns to minAvailable', () => {
  it('is silent when systemd restarts the units once the power is back', () => {
    const run = finished(prepare(powerLoss));
    expect(run.report().workloads[0].belowMinMs).toBeGreaterThan(3_600_000);
    expect(violationsOf(run, WORKLOAD_LIVENESS)).toEqual([]);
  });

  it('fires when systemd never starts the units again', () => {
    const run = prepare(powerLoss);
    runtime(run).table.nodeUp = () => [];
    const found = violationsOf(finished(run), WORKLOAD_LIVENESS);
    expect(found).toHaveLength(1);
    // The units of zone a (3 nodes, 2 of the 6 instances) stay down: 4 ready, below 5.
    expect(found[0].message).toMatch(/^workload store: 4 ready after the faults healed, below its minAvailable 5/);
    expect(found[0].time).toBe(3 * 3_600_000 + 3_600_000);
  });
});

/**
 * The checkers on a workload runtime written by hand: a real instance table of two workloads on
 * three nodes (web: instances 0-2, db: instances 3-4, each with minAvailable 2), nodes up or down
 * as the test says, the observer hooks called by the test. One fault healed at 1,000 ms and
 * liveness.bound 5,000 ms put the deadline at 6,000 ms.
 */
function handWorkloads(faults: { applied: number; unhealed: unknown[] } = { applied: 1, unhealed: [] }) {
  const table = new InstanceTable([0, 0, 0, 1, 1], 2, 3);
  const down = new Set<number>();
  let observer: WorkloadObserver | null = null;
  const workloads = {
    table,
    specs: [{ name: 'web' }, { name: 'db' }],
    observe: (o: WorkloadObserver) => void (observer = o),
    desiredHealthy: () => 2,
    ready: (w: number) => table.ready(w),
    isUp: (nodeId: number) => !down.has(nodeId),
  };
  const fed = standIn({ world: { workloads: { workloads } }, faults: { ...faults, lastHealMs: 1_000 }, scenario: { liveness: { bound: 5_000 } } });
  const checkers = installWorkloadCheckers(fed.run);
  const ready = (instance: number, nodeId: number, atMs: number) => {
    table.start(instance, nodeId, atMs);
    table.becomeReady(instance, atMs);
  };
  return { ...fed, table, down, ready, observer: () => observer as Required<WorkloadObserver>, finish: (nowMs: number) => checkers.finish(nowMs) };
}

describe('workload checkers, fed by hand', () => {
  it('workload-down-node: names each instance left starting or ready on a node that went down', () => {
    const w = handWorkloads();
    w.table.start(0, 0, 900); // starting
    w.ready(1, 0, 100);
    w.ready(3, 1, 100);
    w.down.add(0);
    w.observer().nodeWentDown(0, 500);
    expect(w.messages()).toEqual(['500 instance 0 of web is starting on node 0, which is down', '500 instance 1 of web is ready on node 0, which is down']);
  });

  it('workload-down-node: fires when an instance becomes ready on a down node, not on an up one', () => {
    const w = handWorkloads();
    w.ready(0, 1, 100);
    w.observer().becameReady(0, 1, 100);
    w.ready(3, 2, 200);
    w.down.add(2);
    w.observer().becameReady(3, 2, 200);
    expect(w.messages()).toEqual(['200 instance 3 of db is ready on node 2, which is down']);
  });

  it('workload-liveness: fires at the deadline for a workload below minAvailable since before it, with the time it went below', () => {
    const w = handWorkloads();
    w.ready(3, 1, 100);
    w.observer().servingChanged(1, 100); // db: 1 ready of 2
    w.observer().servingChanged(1, 3_000); // still below: the first time stays
    w.finish(10_000);
    w.finish(10_000);
    // web never reported a change of its serving (no time below known): not judged.
    expect(w.messages()).toEqual(['6000 workload db: 1 ready after the faults healed, below its minAvailable 2 (below since 100ms; faults healed at 1000ms, bound 5000ms)']);
  });

  it('workload-liveness: judges from the deadline itself, and a workload below since the deadline itself', () => {
    const w = handWorkloads();
    w.ready(3, 1, 100);
    w.ready(4, 2, 100);
    w.observer().servingChanged(1, 100); // db at 2 of 2: not below
    w.table.nodeDown(2, () => false);
    w.observer().servingChanged(1, 6_000);
    w.finish(6_000);
    expect(w.messages()).toEqual(['6000 workload db: 1 ready after the faults healed, below its minAvailable 2 (below since 6000ms; faults healed at 1000ms, bound 5000ms)']);
  });

  it('workload-liveness: silent when the workload went below only after the deadline (back at minAvailable in between)', () => {
    const w = handWorkloads();
    w.ready(3, 1, 100);
    w.observer().servingChanged(1, 100); // below
    w.ready(4, 2, 200);
    w.observer().servingChanged(1, 200); // back at 2
    w.table.nodeDown(2, () => false);
    w.observer().servingChanged(1, 7_000); // below again, after the deadline
    w.finish(10_000);
    expect(w.messages()).toEqual([]);
  });

  it('workload-liveness: not judged before the deadline, without faults, or with a fault unhealed', () => {
    const cases: Array<[string, ReturnType<typeof handWorkloads>, number]> = [
      ['before the deadline', handWorkloads(), 5_999],
      ['no fault', handWorkloads({ applied: 0, unhealed: [] }), 10_000],
      ['a fault unhealed', handWorkloads({ applied: 1, unhealed: ['etcd-kill'] }), 10_000],
    ];
    for (const [what, w, nowMs] of cases) {
      w.ready(3, 1, 100);
      w.observer().servingChanged(1, 100);
      w.finish(nowMs);
      expect(w.messages(), what).toEqual([]);
    }
  });
});
