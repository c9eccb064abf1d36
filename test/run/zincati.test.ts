/**
 * Zincati fleets end to end: the Cincinnati throttle against each node's rollout wariness
 * (coreos/fedora-coreos-cincinnati commons/src/policy.rs throttle_rollouts: a node sees the
 * release once wariness <= throttle), FleetLock slots, update checks on Zincati's 5-minute
 * timing, and Fedora CoreOS's missing automatic boot rollback (coreos/fedora-coreos-tracker#47)
 * that only the operator's rollback ends.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { runYaml } from './helpers.ts';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

describe('Zincati fleets', () => {
  it('wariness orders the rollout: each group boots the release once the throttle (0 -> 1 over 10h) reaches its wariness, within a check interval and a reboot', () => {
    const yaml = `
name: wariness
duration: 1d
fleet:
  groups:
    - {name: w0, nodes: 3, zones: [a]}
    - {name: w3, nodes: 3, zones: [a]}
    - {name: w7, nodes: 3, zones: [a]}
releases:
  - {version: 41.1.0, at: 1h}
policy:
  default: {throttle: {start: 0, duration: 10h}}
reboot:
  agent: zincati
  groups:
    w0: {rolloutWariness: 0}
    w3: {rolloutWariness: 0.3}
    w7: {rolloutWariness: 0.7}
`;
    const bootedAt = new Map<number, number>();
    const { report } = runYaml(yaml, {}, {
      traceSubscriber: (e: TraceEvent) => {
        if (e.kind === 'node.boot' && e.data?.version === '41.1.0') bootedAt.set(e.subject as number, e.time);
      },
    });
    expect(report.fleet.updated).toBe(9);
    // Nodes 0-2 are w0, 3-5 w3, 6-8 w7. Admitted at 1h + wariness x 10h; then at most one check
    // interval (330 s), the download and a reboot (a few minutes at the scenario's defaults).
    for (const [group, wariness] of [[0, 0], [1, 0.3], [2, 0.7]] as const) {
      for (let node = 3 * group; node < 3 * group + 3; node++) {
        const admittedMs = HOUR_MS + wariness * 10 * HOUR_MS;
        expect(bootedAt.get(node)).toBeGreaterThan(admittedMs);
        expect(bootedAt.get(node)).toBeLessThan(admittedMs + 15 * MINUTE_MS);
      }
    }
  });

  it('checks Cincinnati every 5 minutes (300-330 s), not update_engine\'s 45: a day of 10 idle nodes is about 10 x 24 x 60 / 5.25 requests', () => {
    const yaml = `
name: idle
duration: 1d
fleet:
  groups:
    - {name: g, nodes: 10, zones: [a]}
reboot: {agent: zincati}
`;
    const { report } = runYaml(yaml);
    const expected = (10 * 24 * 60) / 5.25;
    expect(report.server.requests).toBeGreaterThan(expected * 0.97);
    expect(report.server.requests).toBeLessThan(expected * 1.03);
  });

  it('immediate: a node reboots as soon as its update is staged, no lock asked, windows ignored', () => {
    const yaml = `
name: immediate
duration: 6h
fleet:
  groups:
    - {name: g, nodes: 20, zones: [a]}
releases:
  - {version: 41.1.0, at: 1h}
reboot: {agent: zincati, strategy: immediate}
`;
    const { report } = runYaml(yaml);
    expect(report.fleet.updated).toBe(20);
    expect(report.locks).toEqual([]);
    // All within two check intervals of the release.
    expect(report.rollout.duration).toBeLessThan(15 * MINUTE_MS);
  });

  it('fleet-lock: never more holders than slots, and every slot is released after the reboot (steady-state)', () => {
    const yaml = `
name: fleet-lock
duration: 1d
fleet:
  groups:
    - {name: g, nodes: 30, zones: [a, b]}
etcd: {members: 3}
releases:
  - {version: 41.1.0, at: 1h}
reboot: {agent: zincati, strategy: fleet-lock, maxConcurrent: 3}
`;
    const { run, report } = runYaml(yaml);
    expect(report.fleet.updated).toBe(30);
    expect(report.locks[0].maxHolders).toBe(3);
    expect(report.reboots.maxConcurrent).toBeLessThanOrEqual(3);
    expect(run.world.lockHolders()).toEqual([]);
    expect(report.invariants.violations).toBe(0);
  });

  it('Fedora CoreOS has no automatic boot rollback: a release that hangs keeps its nodes down until the operator rolls them back', () => {
    const yaml = (actions: string) => `
name: hang
duration: 12h
fleet:
  groups:
    - {name: g, nodes: 5, zones: [a]}
releases:
  - {version: 41.1.0, at: 1h, bootFailureProbability: 1}
reboot: {agent: zincati, strategy: immediate}
${actions}
`;
    const stuck = runYaml(yaml('')).report;
    expect(stuck.fleet.down).toBe(5);
    expect(stuck.fleet.rolledBack).toBe(0);
    const { report } = runYaml(
      yaml(`actions:
  - {at: 6h, do: pause-rollout, group: g}
  - {at: 6h, do: rollback, target: {group: g}}`),
    );
    expect(report.fleet.down).toBe(0);
    expect(report.fleet.rolledBack).toBe(5);
    // Back on the version they ran before (the scenario's default fleet.version), none on 41.1.0.
    expect(report.fleet.versions['41.1.0']).toBeUndefined();
    expect(Object.values(report.fleet.versions)).toEqual([5]);
    expect(report.fleet.updated).toBe(0);
    expect(report.invariants.violations).toBe(0);
  });

  it('rejects a periodic strategy without a window, and a locksmithd strategy under zincati, with located errors', () => {
    expect(() =>
      runYaml(`
name: bad
duration: 1h
reboot: {agent: zincati, strategy: periodic}
`),
    ).toThrow(/test.yaml:\d+:\d+: reboot.window: expected a reboot window for zincati strategy periodic/);
    expect(() =>
      runYaml(`
name: bad
duration: 1h
reboot: {agent: zincati, strategy: etcd-lock}
`),
    ).toThrow(/reboot.strategy: expected a strategy of agent zincati \(immediate, fleet-lock, periodic\), found "etcd-lock"/);
  });
});
