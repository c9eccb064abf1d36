/**
 * A reboot agent per fleet group (sim/model/world/node-agents.ts, reboot-managers.ts,
 * protocol-locks.ts): in one world, Flatcar nodes run locksmithd's machine with update_engine's
 * check timing and automatic boot rollback, Fedora CoreOS nodes run Zincati's with Zincati's
 * timing and no automatic rollback (Fedora CoreOS has none: boot.ts autoRollback), and each lock
 * group takes its semaphore under its own protocol's key (locksmith lock/etcd.go, airlock).
 */
import { describe, expect, it } from 'vitest';
import { FleetRun } from '../../../sim/run/fleet-run.ts';
import type { TraceEvent } from '../../../sim/engine/trace.ts';
import { scenarioFrom } from '../../run/helpers.ts';
import { LOCKSMITHD, ZINCATI } from '../../../sim/agents/registry.ts';
import { compiledNodeMachines } from '../../../sim/model/world/compiled-machines.ts';

const MINUTE_MS = 60_000;

const MIXED = `
name: mixed
duration: 1d
fleet:
  groups:
    - {name: flatcar, nodes: 3, zones: [a, b, c]}
    - {name: fcos, nodes: 12, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  strategy: etcd-lock
  lockGroup: flatcar
  drain: 5m
  groups:
    fcos: {agent: zincati, strategy: fleet-lock, maxConcurrent: 3, lockGroup: fcos}
`;

describe('a fleet with a reboot agent per group', () => {
  it("runs each node's group's agent machine, its OS's check timing and its OS's boot rollback", () => {
    const run = new FleetRun(scenarioFrom(MIXED), { seed: 1 });
    const w = run.world;
    const locksmithd = compiledNodeMachines(LOCKSMITHD).rebootManager;
    const zincati = compiledNodeMachines(ZINCATI).rebootManager;
    for (let node = 0; node < 15; node++) {
      const fcos = node >= 3;
      expect(w.rebootManager.agentOf(node).name).toBe(fcos ? 'zincati' : 'locksmithd');
      expect(w.rebootManager.runtimeOf(node).machine).toBe(fcos ? zincati : locksmithd);
      // update_engine: 45 min +- 5 (update_attempter.cc); Zincati: 300 s + 0-10 % jitter, as 315 s +- 15 s.
      expect(w.updateEngine.get(node, 'intervalMs')).toBe(fcos ? 315_000 : 45 * MINUTE_MS);
      expect(w.updateEngine.get(node, 'fuzzMs')).toBe(fcos ? 15_000 : 5 * MINUTE_MS);
      expect(w.boot.get(node, 'autoRollback')).toBe(fcos ? 0 : 1);
    }
    // Zincati's machine knows its strategy code: fleet-lock is 1 in the registry's row.
    expect(w.rebootManager.get(5, 'strategy')).toBe(ZINCATI.strategies.find((s) => s.name === 'fleet-lock')!.code);
    expect(w.rebootManager.get(0, 'strategy')).toBe(LOCKSMITHD.strategies.find((s) => s.name === 'etcd-lock')!.code);
  });

  it("takes locksmith's semaphore for the Flatcar lock group and airlock's for the Fedora CoreOS one, never the other way", () => {
    const keys = new Set<string>();
    const run = new FleetRun(scenarioFrom(MIXED), { seed: 1 });
    run.world.etcd!.cluster.store.observe((key) => keys.add(key));
    const rebootsByNode = new Map<number, number>();
    run.trace.subscribe((e: TraceEvent) => {
      if (e.kind === 'node.reboot') rebootsByNode.set(e.subject as number, (rebootsByNode.get(e.subject as number) ?? 0) + 1);
    });
    run.runToEnd();
    const report = run.report();
    expect(report.rollout.completed).toBe(true);
    expect(rebootsByNode.size).toBe(15);
    const semaphores = [...keys].filter((k) => k.endsWith('semaphore')).sort();
    expect(semaphores).toEqual(['com.coreos.airlock/groups/fcos/v1/semaphore', 'coreos.com/updateengine/rebootlock/groups/flatcar/semaphore']);
    expect(report.locks).toEqual([
      { group: 'flatcar', protocol: 'locksmith', agents: ['locksmithd'], max: 1, maxHolders: 1 },
      { group: 'fcos', protocol: 'fleet-lock', agents: ['zincati'], max: 3, maxHolders: 3 },
    ]);
    expect(report.invariants.violations).toBe(0);
  });

  it('has its Fedora CoreOS nodes check about every 5 minutes and its Flatcar nodes about every 45 (Zincati get_refresh_delay vs update_attempter.cc)', () => {
    const run = new FleetRun(scenarioFrom(MIXED.replace('  - {version: 3815.2.0, at: 1h}', '').replace('releases:', 'releases: []'), { fidelity: 'full' }), { seed: 1 });
    run.runToEnd();
    const requests = run.report().server.requests;
    // Over 24 h: a Zincati node every 300-330 s, a Flatcar node every 40-50 min (+ the first check).
    const dayMs = 24 * 60 * MINUTE_MS;
    const low = 12 * Math.floor(dayMs / 330_000) + 3 * Math.floor(dayMs / (50 * MINUTE_MS));
    const high = 12 * Math.ceil(dayMs / 300_000 + 1) + 3 * Math.ceil(dayMs / (40 * MINUTE_MS) + 1);
    expect(requests).toBeGreaterThanOrEqual(low);
    expect(requests).toBeLessThanOrEqual(high);
  });
});
