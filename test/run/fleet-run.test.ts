/**
 * Whole runs of small fleets: the node model, the update server and the reboot manager together.
 * The acceptance cases of the node-model issue: a 1,000-node rollout with strategy `reboot`
 * reaches every node; a release that fails on one hardware class rolls back exactly that class,
 * which stays on the old version with a bootable partition; fast and full fidelity agree.
 */
import { describe, expect, it } from 'vitest';
import { runYaml } from './helpers.ts';
import { selectBootSlot, SLOT_NONE } from '../../sim/model/node/gptprio.ts';
import { gptTableOf, type BootContext } from '../../sim/model/node/boot.ts';

const rollout = (nodes: number, extra = '') => `
name: rollout
duration: 2d
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b, c]}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: reboot}
${extra}
`;

describe('a fleet run', () => {
  it('a 1,000-node rollout with strategy reboot updates every node', () => {
    const { report } = runYaml(rollout(1000));
    expect(report.fleet.updated).toBe(1000);
    expect(report.fleet.versions).toEqual({ '3815.2.0': 1000 });
    expect(report.rollout.completed).toBe(true);
    expect(report.rollout.startedAt).toBe(3_600_000);
    // Every node checks within 45 +- 5 min of the release, then downloads and reboots.
    expect(report.rollout.duration!).toBeLessThan(60 * 60_000);
    expect(report.reboots.total).toBe(1000);
    expect(report.fleet.rolledBack).toBe(0);
  });

  it('a release that fails to boot on gen1 rolls back exactly the gen1 nodes, which keep a bootable partition', () => {
    const yaml = `
name: bad-on-gen1
duration: 2d
fleet:
  groups:
    - {name: old, nodes: 300, zones: [a], hardware: gen1}
    - {name: new, nodes: 700, zones: [a, b], hardware: gen2}
releases:
  - {version: 3815.2.0, at: 1h, bootFailureProbability: {gen1: 1, default: 0}}
reboot: {strategy: reboot}
`;
    const { run, report } = runYaml(yaml);
    expect(report.fleet.rolledBack).toBe(300);
    expect(report.fleet.versions).toEqual({ '3760.2.0': 300, '3815.2.0': 700 });
    const world = run.world;
    for (let node = 0; node < world.nodeCount; node++) {
      const gen1 = world.nodeGroup[node] === 0;
      expect(world.metrics.hasRolledBack(node)).toBe(gen1);
      expect(world.versions.name(world.nodeVersion[node])).toBe(gen1 ? '3760.2.0' : '3815.2.0');
      const table = gptTableOf(world.boot.context(node) as BootContext);
      expect(selectBootSlot(table)).not.toBe(SLOT_NONE);
      // gen1 nodes are offered the release again and loop (install, reboot, rollback): at the end
      // one may be anywhere in that loop; gen2 nodes are done.
      if (!gen1) expect(world.boot.stateName(node)).toBe('running.good');
    }
    expect(report.fleet.failedAttempts).toBeGreaterThan(300);
    expect(report.rollout.completed).toBe(false);
  });

  it('fast and full fidelity give the same rollout and the same server request counts', () => {
    const fast = runYaml(rollout(300), { fidelity: 'fast' }).report;
    const full = runYaml(rollout(300), { fidelity: 'full' }).report;
    expect(fast.rollout).toEqual(full.rollout);
    expect(fast.server).toEqual(full.server);
    expect(fast.fleet).toEqual(full.fleet);
    expect(fast.reboots).toEqual(full.reboots);
    // The point of fast fidelity: far fewer events for the same outcome.
    expect(fast.events * 3).toBeLessThan(full.events);
  });

  it('the same seed gives the same trace hash; another seed another', () => {
    const a = runYaml(rollout(200), {}, { seed: 7 }).report;
    const b = runYaml(rollout(200), {}, { seed: 7 }).report;
    const c = runYaml(rollout(200), {}, { seed: 8 }).report;
    expect(a.traceHash).toBe(b.traceHash);
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  it('strategy off stages the update on every node and never reboots', () => {
    const { run, report } = runYaml(rollout(100).replace('strategy: reboot', 'strategy: off'));
    expect(report.reboots.total).toBe(0);
    expect(report.fleet.updated).toBe(0);
    for (let node = 0; node < 100; node++) {
      expect(run.world.updateEngine.stateName(node)).toBe('UPDATED_NEED_REBOOT');
      expect(run.world.rebootManager.stateName(node)).toBe('staged');
    }
  });

  it('reports halted when the server switched updates off after a timed-out update, not when the policy disables them', () => {
    // Safe mode grants one update; with strategy off it never completes (no reboot), times out
    // after 1 h, and Nebraska switches the group's updates off.
    const timedOut = runYaml(
      rollout(50).replace('strategy: reboot', 'strategy: off') + 'policy:\n  default: {safeMode: true, updateTimeout: 1h}\n',
    ).report;
    expect(timedOut.rollout.halted).toBe(true);
    const disabled = runYaml(rollout(50) + 'policy:\n  default: {updatesEnabled: false}\n').report;
    expect(disabled.rollout.halted).toBe(false);
    expect(disabled.fleet.updated).toBe(0);
  });
});

describe('an etcd-only scenario (fleet.groups: [])', () => {
  it('runs the cluster without a fleet: a killed leader is replaced, nothing crashes', () => {
    const { report } = runYaml(`
name: etcd-only
duration: 1h
fleet:
  groups: []
etcd: {members: 5}
faults:
  - {at: 10m, kind: etcd-kill, target: {etcd: leader}, duration: 5m}
`);
    expect(report.fleet.nodes).toBe(0);
    expect(report.fleet.updatedFraction).toBe(0);
    expect(report.etcd.leaderChanges).toBeGreaterThanOrEqual(1);
    expect(report.faults).toMatchObject([{ kind: 'etcd-kill', targets: 1 }]);
    expect(report.invariants.violations).toBe(0);
  });
});

describe('a release that fails on a node is offered to it again (flatcar/nebraska, flatcar/Flatcar#1924)', () => {
  it('backend/pkg/api/updates.go GetUpdatePackage: every broken node loops install -> reboot -> rollback; each loop is a grant and a failed attempt', () => {
    const { report } = runYaml(`
name: loop
duration: 1d
fleet:
  groups:
    - {name: old, nodes: 5, zones: [a], hardware: gen1}
releases:
  - {version: 3815.2.0, at: 1h, bootFailureProbability: {gen1: 1, default: 0}}
reboot: {strategy: reboot}
`);
    expect(report.fleet.rolledBack).toBe(5);
    expect(report.fleet.updated).toBe(0);
    // Many loops per node in a day (each about a check interval long).
    expect(report.fleet.failedAttempts).toBeGreaterThan(5 * 10);
    // Every attempt began with a grant; at most one grant per node is still in progress.
    expect(report.server.grants - report.fleet.failedAttempts).toBeGreaterThanOrEqual(0);
    expect(report.server.grants - report.fleet.failedAttempts).toBeLessThanOrEqual(5);
    expect(report.reboots.total).toBeGreaterThanOrEqual(report.fleet.failedAttempts);
  });
});
