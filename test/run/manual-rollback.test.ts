/**
 * What rolls back, and what does not. GRUB's one-try rule (coreos/grub gptprio.c) undoes only a
 * boot that never reaches flatcar-setgoodroot; a release that boots but breaks the node's
 * workloads is marked good and stays (releases[].workloadFailureProbability). The way back is
 * Flatcar's manual rollback (Flatcar docs, "Manual rollbacks": `cgpt prioritize` the other USR
 * partition, then reboot), the `rollback` action.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { runYaml } from './helpers.ts';

const fleet = (workloadFailure: number, actions: string) => `
name: workload-failure
duration: 12h
fleet:
  groups:
    - {name: prod, nodes: 40, zones: [a, b]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h, workloadFailureProbability: ${workloadFailure}}
reboot: {strategy: etcd-lock, maxConcurrent: 4}
${actions}
`;

describe('workload failures and the manual rollback', () => {
  it('a release that breaks workloads is marked good and never rolled back by GRUB (update_engine judges the boot, not the workloads)', () => {
    const failed: number[] = [];
    const { report } = runYaml(fleet(1, ''), {}, { traceSubscriber: (e: TraceEvent) => { if (e.kind === 'node.workloads-failed') failed.push(e.subject as number); } });
    expect(report.fleet.updated).toBe(40);
    expect(report.fleet.rolledBack).toBe(0);
    expect(report.fleet.workloadsFailing).toBe(40);
    expect(new Set(failed).size).toBe(40);
  });

  it('draws per install: with probability 0.5 some nodes fail and some do not, and none without the key', () => {
    const half = runYaml(fleet(0.5, '')).report;
    expect(half.fleet.workloadsFailing).toBeGreaterThan(5);
    expect(half.fleet.workloadsFailing).toBeLessThan(35);
    expect(runYaml(fleet(0, '')).report.fleet.workloadsFailing).toBe(0);
  });

  it('Flatcar docs "Manual rollbacks": the rollback action reboots the nodes into their previous version, without the lock, and their workloads recover; a paused rollout does not re-offer the bad version', () => {
    const rollbackReboots: number[] = [];
    let rollbackNote: unknown = null;
    const actions = `actions:
  - {at: 8h, do: pause-rollout, group: prod}
  - {at: 8h, do: rollback, target: {group: prod}}`;
    const { run, report } = runYaml(fleet(1, actions), {}, {
      traceSubscriber: (e: TraceEvent) => {
        if (e.kind === 'node.reboot' && e.time === 8 * 3_600_000) rollbackReboots.push(e.subject as number);
        if (e.kind === 'operator.rollback') rollbackNote = e.data;
      },
    });
    expect(rollbackNote).toEqual({ rolledBack: 40, skipped: 0 });
    expect(rollbackReboots).toHaveLength(40);
    // All at once, by hand: the reboot lock (max 4) is not asked.
    expect(report.reboots.maxConcurrent).toBe(40);
    expect(report.fleet.workloadsFailing).toBe(0);
    expect(report.fleet.versions).toEqual({ '3760.2.0': 40 });
    // A manual rollback is not GRUB's automatic one.
    expect(report.fleet.rolledBack).toBe(0);
    expect(report.invariants.violations).toBe(0);
    expect(run.world.boot.stateName(0)).toBe('running.good');
  });

  it('skips nodes that have no known-good previous version (never updated)', () => {
    const actions = `actions:
  - {at: 30m, do: rollback, target: {group: prod, count: 5}}`;
    let note: unknown = null;
    runYaml(fleet(0, actions), {}, { traceSubscriber: (e: TraceEvent) => { if (e.kind === 'operator.rollback') note = e.data; } });
    expect(note).toEqual({ rolledBack: 0, skipped: 5 });
  });
});
