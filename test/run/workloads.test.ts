/**
 * Workloads in whole runs (sim/model/world/workload-port.ts): instances follow their nodes down
 * and up, locksmithd's `reboot.drain` and kured's drain go through the eviction API, the settle
 * gate holds the lock until the node's instances are ready, and runs without workloads draw
 * nothing from the workloads' streams.
 */
import { describe, expect, it } from 'vitest';
import { InstanceState } from '../../sim/model/workloads/instances.ts';
import { runYaml } from './helpers.ts';

const fleet = (nodes: number) => `
name: w
duration: 1d
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
`;

describe('workloads in a run', () => {
  it("locksmithd's reboot.drain evicts through the budget: a PDB allowing no disruption holds each drain until drainTimeout, then the reboot is forced", () => {
    const { report } = runYaml(`${fleet(6)}
reboot: {strategy: etcd-lock, maxConcurrent: 1, drain: 1m, drainTimeout: 10m}
workloads:
  - {name: ledger, replicas: 3, minAvailable: 3, startup: 30s}
`);
    expect(report.fleet.updated).toBe(6);
    // Placed spread over 6 nodes: 3 nodes host a ledger unit, and each of their drains times out.
    expect(report.drain.timeouts).toBe(3);
    expect(report.reboots.forced).toBe(3);
    expect(report.drain.blockedMs).toBe(3 * 600_000);
    // 10 minutes of refusals every 5 s: the first at 0 s, the last at 600 s, 121 a drain.
    expect(report.workloads[0].evictionsRefused).toBe(3 * 121);
    // Each forced reboot stops a replica without the budget's consent: 2 ready for its 30 s startup
    // after the node is back (locksmithd: reschedule false, the unit waits for its machine).
    expect(report.workloads[0].minReady).toBe(2);
    expect(report.invariants.violations).toBe(0);
  });

  it("without workloads locksmithd's drain is the fixed reboot.drain delay, as before (no drain is reported)", () => {
    const { report } = runYaml(`${fleet(6)}
reboot: {strategy: etcd-lock, maxConcurrent: 1, drain: 1m, drainTimeout: 10s}
`);
    expect(report.reboots.forced).toBe(0);
    expect(report.drain).toEqual({ blockedMs: 0, timeouts: 0 });
    expect(report.workloads).toEqual([]);
  });

  it('a cold start binds the instances at t=0 (spread) and starts each when its node boots; the meter opens once all are ready', () => {
    const { run, report } = runYaml(`
name: w
duration: 1h
fleet:
  coldStart: true
  groups:
    - {name: prod, nodes: 4, zones: [a, b]}
workloads:
  - {name: api, replicas: 8, minAvailable: 8, startup: 20s}
`);
    const table = run.world.workloads!.workloads.table;
    expect([...table.state].every((s) => s === InstanceState.Ready)).toBe(true);
    expect([...table.node].sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(report.workloads[0]).toMatchObject({ availability: 1, minReady: 8, belowMinMs: 0 });
  });

  it('a power loss stops the instances of the zone (systemd units) and they are ready again a startup after their nodes boot', () => {
    const { report } = runYaml(`
name: w
duration: 1d
fleet:
  groups:
    - {name: prod, nodes: 6, zones: [a, b, c]}
workloads:
  - {name: store, replicas: 6, minAvailable: 6, quorum: 5, startup: 1m, reschedule: false}
faults:
  - {at: 2h, kind: power-loss, target: {zone: a}, duration: 30m}
`);
    const [store] = report.workloads;
    // Zone a's 2 nodes host 2 units: 4 ready from 2h to 2h30m + boot (1-5 s) + 1 m startup.
    expect(store.minReady).toBe(4);
    expect(store.belowMinMs).toBeGreaterThanOrEqual(31 * 60_000 + 1_000);
    expect(store.belowMinMs).toBeLessThanOrEqual(31 * 60_000 + 5_000);
    // Below quorum (5) until the first of the two units is ready again; below 6 until the second.
    expect(store.quorumLostMs).toBeGreaterThanOrEqual(31 * 60_000 + 1_000);
    expect(store.quorumLostMs).toBeLessThan(store.belowMinMs);
  });

  it('the settle gate: with lockReleaseGate ready the next node reboots only after the previous one is serving again', () => {
    const base = `
name: w
duration: 1d
fleet:
  groups:
    - {name: prod, nodes: 3, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 10m}
workloads:
  - {name: store, replicas: 3, minAvailable: 2, quorum: 2, startup: 30m, reschedule: false}
`;
    // The window makes the three nodes queue on the lock at once.
    const window = 'window: {days: [Mon], start: "02:00", length: 2h, timezone: UTC}';
    const without = runYaml(`${base}reboot: {strategy: etcd-lock, maxConcurrent: 1, ${window}}\n`).report;
    const gated = runYaml(`${base}reboot: {strategy: etcd-lock, maxConcurrent: 1, lockReleaseGate: ready, ${window}}\n`).report;
    expect(without.workloads[0].quorumLostMs).toBeGreaterThan(0);
    expect(gated.workloads[0].quorumLostMs).toBe(0);
    expect(gated.workloads[0].minReady).toBe(2);
    // Three reboots, each waiting for a 30-minute startup before the next: over an hour.
    expect(gated.rollout.duration).toBeGreaterThan(without.rollout.duration! + 3_600_000);
  });
});
