// A live run (web/server/live-run.ts) played the way the UI plays it: bursts of odd lengths,
// steps that land between milliseconds, faults and actions injected by hand, seeks back. Its
// export, replayed headless (new FleetRun(parse(export), {seed}) run to the same time), must
// give the same trace hash: the UI's determinism contract.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { LiveRun } from '../../web/server/live-run.ts';
import { SMALL_SCENARIO } from './helpers.ts';

const HOUR_MS = 3_600_000;
const noClock = () => 0;

function start(seed: number): LiveRun {
  const started = LiveRun.start({ name: 'web-small', text: SMALL_SCENARIO }, seed);
  if (!started.ok) throw new Error(started.errors.join('\n'));
  return started.live;
}

function replayHash(live: LiveRun): string {
  const parsed = parseScenario(live.exportText(), 'export.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  expect(parsed.scenario.seed).toBe(live.seed);
  const replay = new FleetRun(parsed.scenario, { seed: live.seed });
  replay.runUntil(live.now);
  return replay.trace.traceHash;
}

describe('LiveRun', () => {
  it('exports a session with a power loss, a crash and an action as a scenario that replays to the same trace hash', () => {
    const live = start(5);
    live.advance(2 * HOUR_MS + 12_345, Infinity, noClock);
    expect(live.inject('fault', { kind: 'power-loss', target: { zone: 'b' }, duration: '5m' }, noClock)).toMatchObject({ ok: true, at: 2 * HOUR_MS + 12_345 });
    // Steps land on event times, some between two milliseconds (drawn boot and network delays).
    for (let i = 0; i < 2_000 && Number.isInteger(live.now); i++) live.step();
    expect(Number.isInteger(live.now)).toBe(false);
    const crash = live.inject('fault', { kind: 'node-crash', target: { group: 'prod', count: 7 }, duration: '20m' }, noClock);
    expect(crash.ok && Number.isInteger(crash.at)).toBe(true);
    live.advance(live.now + 40 * 60_000, Infinity, noClock);
    expect(live.inject('action', { do: 'publish-release', release: { version: '3.0.0', bootFailureProbability: 1 } }, noClock).ok).toBe(true);
    live.advance(10 * HOUR_MS, Infinity, noClock);
    expect(live.injected.map((i) => i.kind)).toEqual(['fault', 'fault', 'action']);
    expect(live.run.world.metrics.maxDown).toBeGreaterThanOrEqual(60);
    expect(replayHash(live)).toBe(live.run.trace.traceHash);
  });

  it('applies a fault injected in the millisecond of an action one millisecond later, as the scenario timeline would order it', () => {
    const live = start(2);
    // SMALL_SCENARIO pauses the canary rollout at 3h: the fault cannot share that millisecond.
    live.advance(3 * HOUR_MS, Infinity, noClock);
    const result = live.inject('fault', { kind: 'server-outage', duration: '10m' }, noClock);
    expect(result).toMatchObject({ ok: true, at: 3 * HOUR_MS + 1 });
    expect(result.ok && result.note).toMatch(/faults before actions/);
    live.inject('action', { do: 'resume-rollout', group: 'canary' }, noClock);
    const again = live.inject('fault', { kind: 'node-crash', target: { nodes: [3] } }, noClock);
    expect(again).toMatchObject({ ok: true, at: 3 * HOUR_MS + 2 });
    live.advance(5 * HOUR_MS, Infinity, noClock);
    expect(replayHash(live)).toBe(live.run.trace.traceHash);
  });

  it('property: any interleaving of bursts, steps and injections replays to the same hash', () => {
    const op = fc.oneof(
      fc.record({ burstMs: fc.integer({ min: 1, max: 3 * HOUR_MS }) }),
      fc.record({ steps: fc.integer({ min: 1, max: 20 }) }),
      fc.constantFrom(
        { fault: { kind: 'power-loss', target: { zone: 'a' }, duration: '3m' } },
        { fault: { kind: 'node-crash', target: { fraction: 0.1 }, duration: '15m' } },
        { fault: { kind: 'lock-holder-dies' } },
        { fault: { kind: 'server-outage', duration: '20m' } },
        { action: { do: 'unlock' } },
        { action: { do: 'pause-rollout', group: 'prod' } },
        { action: { do: 'resume-rollout', group: 'prod' } },
      ),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(op, { minLength: 1, maxLength: 8 }), (seed, ops) => {
        const live = start(seed);
        for (const o of ops) {
          if (live.done) break;
          if ('burstMs' in o) live.advance(live.now + o.burstMs, Infinity, noClock);
          else if ('steps' in o) for (let i = 0; i < o.steps; i++) live.step();
          else if ('fault' in o) expect(live.inject('fault', { ...o.fault }, noClock).ok).toBe(true);
          else expect(live.inject('action', { ...o.action }, noClock).ok).toBe(true);
        }
        expect(replayHash(live)).toBe(live.run.trace.traceHash);
      }),
      { numRuns: 12 },
    );
  });

  it('rejects a fault the schema rejects, naming the field, and leaves the run as it was', () => {
    const live = start(1);
    live.advance(HOUR_MS, Infinity, noClock);
    const hash = live.run.trace.traceHash;
    const result = live.inject('fault', { kind: 'node-crash', target: { group: 'nope', count: 2 } }, noClock);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/fault\.target\.group: expected a group of fleet\.groups \(canary, prod\), found "nope"/);
    expect(live.injected).toHaveLength(0);
    expect(live.run.trace.traceHash).toBe(hash);
  });

  it('takes samples on a fixed grid of simulated time whatever the burst lengths', () => {
    const a = start(4);
    const b = start(4);
    a.advance(6 * HOUR_MS, Infinity, noClock);
    for (let t = 0; t < 6 * HOUR_MS; t += 777_777) b.advance(t, Infinity, noClock);
    b.advance(6 * HOUR_MS, Infinity, noClock);
    expect(b.sampler.samples).toEqual(a.sampler.samples);
    const interval = a.sampler.intervalMs;
    expect(a.sampler.samples.every((s) => s.t % interval === 0)).toBe(true);
  });

  it('a report taken in the middle of a run does not change the run', () => {
    const a = start(9);
    const b = start(9);
    for (let h = 1; h <= 8; h++) {
      a.advance(h * HOUR_MS, Infinity, noClock);
      a.run.report();
    }
    b.advance(8 * HOUR_MS, Infinity, noClock);
    expect(a.run.trace.traceHash).toBe(b.run.trace.traceHash);
  });

  it('a run built again with the injections up to a time T (a seek back) reaches T with the original hash at T', () => {
    const live = start(6);
    live.advance(2 * HOUR_MS, Infinity, noClock);
    live.inject('fault', { kind: 'power-loss', target: { zone: 'c' }, duration: '5m' }, noClock);
    live.advance(4 * HOUR_MS, Infinity, noClock);
    const hashAt4h = live.run.trace.traceHash;
    live.advance(5 * HOUR_MS, Infinity, noClock);
    live.inject('fault', { kind: 'server-outage', duration: '1h' }, noClock);
    live.advance(6 * HOUR_MS, Infinity, noClock);
    const kept = live.injected.filter((i) => i.at <= 4 * HOUR_MS);
    expect(kept).toHaveLength(1);
    const started = LiveRun.start(live.source, live.seed, kept, { silent: true });
    if (!started.ok) throw new Error(started.errors.join('\n'));
    started.live.advance(4 * HOUR_MS, Infinity, noClock);
    expect(started.live.run.trace.traceHash).toBe(hashAt4h);
  });
});
