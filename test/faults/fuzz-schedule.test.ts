/**
 * drawFuzzSchedule (sim/faults/fuzz-schedule.ts) and the standalone scenarios built from it
 * (fuzz-scenario.ts): a pure function of (scenario, seed); faults start in the safety phase and
 * all heal; the horizon leaves the liveness phase its bound; the written scenario is valid and
 * replays on its own. Properties over seeds with fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/index.ts';
import { parseDuration } from '../../sim/scenario/units.ts';
import { defaultKinds, drawFuzzSchedule } from '../../sim/faults/fuzz-schedule.ts';
import { fuzzScenario, REPRO_EXPECT, scenarioText } from '../../sim/faults/fuzz-scenario.ts';
import { scenarioFrom } from '../run/helpers.ts';

const YAML = `
name: fz
duration: 2d
fleet:
  groups:
    - {name: canary, nodes: 10, zones: [a]}
    - {name: prod, nodes: 90, zones: [a, b, c]}
etcd: {members: 5}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: fleet-lock, maxConcurrent: 2, lockTTL: 1h}
liveness: {bound: 12h}
fuzz:
  safety: 6h
  count: {min: 2, max: 15}
`;
const scenario = scenarioFrom(YAML);
const ms = (text: unknown) => {
  const parsed = parseDuration(text, { allowNegative: true });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

describe('drawFuzzSchedule', () => {
  it('is a pure function of (scenario, seed)', () => {
    expect(drawFuzzSchedule(scenario, 7)).toEqual(drawFuzzSchedule(scenario, 7));
    expect(drawFuzzSchedule(scenario, 7)).not.toEqual(drawFuzzSchedule(scenario, 8));
  });

  it('the default mix has every kind that applies: etcd kinds with members, lock-holder-dies only with a lock TTL', () => {
    expect(defaultKinds(scenario).map((k) => k.kind).sort()).toEqual(
      ['bad-disk', 'clock-skew', 'etcd-kill', 'latency-spike', 'lock-holder-dies', 'message-loss', 'node-crash', 'partition', 'power-loss', 'server-outage'],
    );
    const noEtcd = scenarioFrom(YAML.replace('etcd: {members: 5}', '').replace('strategy: fleet-lock', 'strategy: reboot'));
    expect(defaultKinds(noEtcd).map((k) => k.kind)).not.toContain('etcd-kill');
    expect(defaultKinds(noEtcd).map((k) => k.kind)).not.toContain('lock-holder-dies');
  });

  it('faults start in the safety phase, all heal, and the horizon holds the liveness bound (property over seeds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const schedule = drawFuzzSchedule(scenario, seed);
        // clock-skew and bad-disk come in pairs on the same nodes: the fault, then its undoing.
        const undoings = new Set<unknown>();
        const firstOf = new Map<string, unknown>();
        for (const f of schedule.faults) {
          if (f.kind !== 'clock-skew' && f.kind !== 'bad-disk') continue;
          // bad-disk's undoing has probability 0 (a drawn one never does); a skew's is its negation.
          if (f.kind === 'bad-disk' && f.probability === 0) {
            undoings.add(f);
            continue;
          }
          if (f.kind === 'bad-disk') continue;
          const key = `${JSON.stringify(f.target)}:${Math.abs(ms(f.skew))}`;
          if (firstOf.has(key)) {
            undoings.add(f);
            firstOf.delete(key);
          } else {
            firstOf.set(key, f);
          }
        }
        expect(firstOf.size).toBe(0);
        expect(schedule.faults.filter((f) => f.kind === 'bad-disk').length).toBe(2 * schedule.faults.filter((f) => f.kind === 'bad-disk' && f.probability === 0).length);
        const starts = schedule.faults.filter((f) => !undoings.has(f));
        expect(starts.length).toBeGreaterThanOrEqual(2);
        expect(starts.length).toBeLessThanOrEqual(15);
        for (const fault of starts) expect(ms(fault.at)).toBeLessThan(6 * 3_600_000);
        for (const fault of schedule.faults) {
          if (fault.kind === 'lock-holder-dies' || fault.kind === 'etcd-restart') continue;
          if (fault.kind === 'clock-skew' || fault.kind === 'bad-disk') continue;
          expect(ms(fault.at) + ms(fault.duration)).toBeLessThanOrEqual(schedule.lastHealMs);
        }
        // Clock skews are undone: per node, the skews add up to zero.
        const skew = new Map<number, number>();
        for (const f of schedule.faults.filter((x) => x.kind === 'clock-skew')) {
          for (const node of (f.target as { nodes: number[] }).nodes) skew.set(node, (skew.get(node) ?? 0) + ms(f.skew));
        }
        for (const total of skew.values()) expect(total).toBe(0);
        expect(schedule.horizonMs).toBeGreaterThanOrEqual(schedule.lastHealMs + 12 * 3_600_000);
        expect(schedule.faults.map((f) => ms(f.at))).toEqual([...schedule.faults.map((f) => ms(f.at))].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it('`every` draws exponential gaps: about safety/every faults', () => {
    const frequent = scenarioFrom(YAML.replace('count: {min: 2, max: 15}', 'every: 10m'));
    const counts = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => drawFuzzSchedule(frequent, seed).faults.filter((f) => f.kind !== 'clock-skew' && f.kind !== 'bad-disk').length);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(mean).toBeGreaterThan(20);
    expect(mean).toBeLessThan(52);
  });

  it('a seed becomes a valid standalone scenario: exact times, the seed, a horizon, one expectation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const parsed = parseScenario(YAML, 'fz.yaml');
        if (!parsed.ok) throw new Error('the test scenario is invalid');
        const schedule = drawFuzzSchedule(parsed.scenario, seed);
        const text = scenarioText(fuzzScenario(parsed.raw as Record<string, unknown>, schedule, seed), 'test');
        expect(text.startsWith('# yaml-language-server: $schema=../docs/scenario.schema.json\n')).toBe(true);
        const again = parseScenario(text, 'repro.yaml');
        if (!again.ok) throw new Error(again.errors.map((e) => e.message).join('; '));
        expect(again.scenario.seed).toBe(seed);
        expect(again.scenario.fuzz).toBeNull();
        expect(again.scenario.duration).toBe(schedule.horizonMs);
        expect(again.scenario.expect).toHaveLength(1);
        expect(again.scenario.faults).toHaveLength(schedule.faults.length);
        for (const fault of again.scenario.faults) expect(fault.at.min).toBe(fault.at.max);
      }),
      { numRuns: 50 },
    );
    expect(REPRO_EXPECT).toBe('invariants.violations == 0');
  });
});
