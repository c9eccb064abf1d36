/**
 * The real model keeps every checker silent (TigerBeetle's VOPR, in small): over random seeds,
 * each with a random fault schedule from the default mix (sim/faults/fuzz-schedule.ts: crashes,
 * power losses, partitions, loss, latency spikes, etcd kills, server outages, skews, bad disks,
 * dead lock holders) in a 4-hour safety phase, then a liveness phase, a 40-node fleet with a
 * 3-member etcd and FleetLock slots freed by a TTL finishes with no violation; so does the same
 * fleet under kured (its lock annotation, entries expiring after --lock-ttl).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawFuzzSchedule } from '../../sim/faults/fuzz-schedule.ts';
import { fuzzScenario, scenarioText } from '../../sim/faults/fuzz-scenario.ts';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';

const YAML = `
name: silent
duration: 1d
fleet:
  groups:
    - {name: canary, nodes: 4, zones: [a]}
    - {name: prod, nodes: 36, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: fleet-lock, maxConcurrent: 2, lockTTL: 20m}
liveness: {bound: 12h}
fuzz:
  safety: 4h
  count: {min: 3, max: 8}
`;

/** A mixed fleet (reboot.groups.<g>.agent): Flatcar under locksmithd, Fedora CoreOS under Zincati, Kubernetes nodes under kured. */
const MIXED_YAML = `
name: silent-mixed
duration: 1d
fleet:
  groups:
    - {name: flatcar, nodes: 8, zones: [a, b, c]}
    - {name: fcos, nodes: 16, zones: [a, b, c]}
    - {name: k8s, nodes: 16, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  strategy: fleet-lock
  maxConcurrent: 2
  lockTTL: 20m
  period: 10m
  groups:
    flatcar: {lockGroup: flatcar}
    fcos: {agent: zincati, strategy: fleet-lock, maxConcurrent: 3, lockGroup: fcos}
    k8s: {agent: kured, maxConcurrent: 3, lockGroup: k8s}
liveness: {bound: 12h}
fuzz:
  safety: 4h
  count: {min: 3, max: 8}
`;

function silentUnderFuzz(yaml: string, numRuns: number): void {
  const parsed = parseScenario(yaml, 'silent.yaml');
  if (!parsed.ok) throw new Error('the test scenario is invalid');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
      const doc = fuzzScenario(parsed.raw as Record<string, unknown>, drawFuzzSchedule(parsed.scenario, seed), seed);
      const scenario = parseScenario(scenarioText(doc, ''), `silent-${seed}.yaml`);
      if (!scenario.ok) throw new Error(`seed ${seed} drew an invalid scenario`);
      const run = new FleetRun(scenario.scenario, { seed });
      run.runToEnd();
      const report = run.report();
      expect(report.invariants, `seed ${seed}`).toMatchObject({ violations: 0, list: [] });
    }),
    { numRuns },
  );
}

/** The same fleet under kured (its lock annotation on the DaemonSet, entries expiring after --lock-ttl). */
const KURED_YAML = YAML.replace('reboot: {strategy: fleet-lock, maxConcurrent: 2, lockTTL: 20m}', 'reboot: {agent: kured, maxConcurrent: 2, period: 10m, lockTTL: 20m}');

describe('the checkers on the real model', () => {
  it('stay silent under random fault schedules on a fleet of three agents, one per group (property over seeds)', () => {
    silentUnderFuzz(MIXED_YAML, 8);
  });

  for (const [agent, yaml] of [['locksmithd (FleetLock)', YAML], ['kured', KURED_YAML]] as const) {
    it(`stay silent under random fault schedules with ${agent} (property over seeds)`, () => {
      silentUnderFuzz(yaml, 12);
    });
  }
});
