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
import { prepare, violationsOf } from './helpers.ts';

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
