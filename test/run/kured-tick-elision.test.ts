/**
 * kured's idle ticks elided (fast fidelity, sim/model/world/kured-ticks.ts): a tick that finds no
 * reboot sentinel does nothing in kured (cmd/kured/main.go rebootAsRequired: the sentinel check
 * `continue`s to the next tick), so the machine rests until update_engine stages an update, then
 * resumes at the tick it would have come to (pkg/delaytick: ticks every --period, phase kept).
 * Checked against the same run with the elision off alone (RunOptions.elideKuredIdleTicks: every
 * tick runs, as in full fidelity): the same trace, event by event and to the bit of every time,
 * under windows, flapping alerts, drains, power losses and crashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { KuredTicks } from '../../sim/model/world/kured-ticks.ts';
import { runYaml } from './helpers.ts';

function kuredYaml(p: { nodes: number; periodMin: number; windowed: boolean; alert: boolean; faults: boolean; releaseAtMin: number; drainMin: number; mixed?: boolean }): string {
  return `
name: kured-elision
duration: 4d
fleet:
  groups:
    - {name: prod, nodes: ${p.nodes}, zones: [a, b]}
${p.mixed === true ? '    - {name: flatcar, nodes: 6, zones: [a, b]}' : ''}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: ${p.releaseAtMin}m}
  - {version: 3815.3.0, at: 2d}
reboot:
  agent: kured
  maxConcurrent: 2
  period: ${p.periodMin}m
  drain: ${p.drainMin}m
${p.windowed ? '  window: {days: [Mon, Tue, Wed], start: "03:00", length: 5h}' : ''}
${p.alert ? '  alerts:\n    - {at: 10m, duration: 15m, every: 95m}' : ''}
${p.mixed === true ? '  groups:\n    flatcar: {agent: locksmithd, strategy: etcd-lock, lockGroup: flatcar}' : ''}
${p.faults ? 'faults:\n  - {at: 20h, kind: power-loss, target: {zone: a}, duration: 10m}\n  - {at: 30h, kind: node-crash, target: {nodes: [1, 2]}, duration: 1h}' : ''}
`;
}

function trace(yaml: string, elide: boolean, seed: number) {
  const events: string[] = [];
  const { report } = runYaml(yaml, {}, {
    seed,
    elideKuredIdleTicks: elide,
    traceSubscriber: (e: TraceEvent) => {
      if (e.kind !== 'run.start') events.push(`${e.time} ${e.kind} ${String(e.subject)} ${JSON.stringify(e.data ?? null)}`);
    },
  });
  return { events, report };
}

describe("kured's idle ticks elided (fast fidelity) against every tick", () => {
  it('gives the same trace to the bit, with fewer events, over random kured fleets', () => {
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.integer({ min: 4, max: 24 }),
          periodMin: fc.constantFrom(7, 30, 60, 97),
          windowed: fc.boolean(),
          alert: fc.boolean(),
          faults: fc.boolean(),
          releaseAtMin: fc.integer({ min: 1, max: 600 }),
          drainMin: fc.integer({ min: 0, max: 20 }),
          // A mixed fleet (reboot.groups.<g>.agent): locksmithd nodes on their own etcd-lock
          // semaphore next to the kured ones, whose ticks alone are elided.
          mixed: fc.boolean(),
        }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (p, seed) => {
          const yaml = kuredYaml(p);
          const fast = trace(yaml, true, seed);
          const full = trace(yaml, false, seed);
          expect(fast.events.length).toBeGreaterThan(10);
          expect(fast.events).toEqual(full.events);
          expect(fast.report.rollout).toEqual(full.report.rollout);
          expect(fast.report.reboots).toEqual(full.report.reboots);
          expect(fast.report.events).toBeLessThan(full.report.events);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('KuredTicks.nextTickWaitMs', () => {
  it('lands a timer set from any later moment exactly on the tick the period sums reach (and on the counterexample that rounding to even made unreachable)', () => {
    const odd = new KuredTicks(1);
    odd.tick(0, 0, false, false);
    const now = 0.05954675085809162 * 1.2581398266164883;
    expect(Math.abs(now + odd.nextTickWaitMs(0, now, 1.2581398266164883) - 1.2581398266164883)).toBeLessThanOrEqual(2 ** -52 * 2);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 1, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 300, noNaN: true }), (lastTickMs, periodMs, periods) => {
        const ticks = new KuredTicks(1);
        ticks.tick(0, lastTickMs, false, false);
        const nowMs = lastTickMs + periods * periodMs;
        // The tick the machine's timers would reach: the same additions.
        let expected = lastTickMs;
        while (expected <= nowMs) expected += periodMs;
        const waitMs = ticks.nextTickWaitMs(0, nowMs, periodMs);
        // Exact whenever nowMs >= expected / 2 (every resume after a run's first period); before
        // that, at most one unit in the last place off (rounding to even can make it unreachable).
        if (nowMs >= expected / 2) expect(nowMs + waitMs).toBe(expected);
        else expect(Math.abs(nowMs + waitMs - expected)).toBeLessThanOrEqual(expected * 2 ** -52);
        expect(waitMs).toBeGreaterThan(0);
        // At most a period, give or take the rounding of the sum that made the tick.
        expect(waitMs).toBeLessThanOrEqual(periodMs + expected * 2 ** -51);
      }),
      { numRuns: 2_000 },
    );
  });
});
