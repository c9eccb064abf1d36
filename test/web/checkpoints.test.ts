// Seeks through checkpoints (web/server/checkpoints.ts): a session that seeks back and forth,
// with injections and background checkpoint building between, must rest on exactly the run a
// fresh replay of its export gives (same trace hash at the same time), and a seek back must start
// from a checkpoint, not from 0, once the ladder has one below the target.

import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { CheckpointLadder, checkpointCount, CostCurve, isValidFor } from '../../web/server/checkpoints.ts';
import { LiveRun } from '../../web/server/live-run.ts';
import type { ScenarioFiles } from '../../web/server/scenario-files.ts';
import { Session } from '../../web/server/session.ts';
import type { Frame, StatusFrame } from '../../web/shared/protocol.ts';
import { SMALL_SCENARIO } from './helpers.ts';

const HOUR_MS = 3_600_000;

/** A session on SMALL_SCENARIO with a fake wall clock that moves 1 ms per reading. */
function session(checkpointBytes = 64 * 1024 * 1024) {
  const frames: Frame[] = [];
  let clock = 0;
  const files = { read: (name: string) => ({ name, file: `${name}.yaml`, text: SMALL_SCENARIO }) } as unknown as ScenarioFiles;
  const s = new Session(files, { send: (f) => frames.push(f), sendBinary: () => {}, canSendBulk: () => true }, () => clock++, checkpointBytes);
  s.handle({ type: 'load', scenario: 'web-small' });
  const status = () => frames.filter((f): f is StatusFrame => f.type === 'status').at(-1)!;
  /** Ticks until the seek is done (each tick is 100 ms of the fake clock's budget). */
  const settle = () => {
    for (let k = 0; k < 10_000 && status().seekingTo !== null; k++) s.tick(100);
    expect(status().seekingTo).toBeNull();
  };
  const background = (ticks: number) => {
    for (let k = 0; k < ticks && s.wantsBackgroundWork; k++) s.tick(100);
  };
  return { s, frames, status, settle, background };
}

/** The hash of the session's export replayed headless to the session's time. */
function replayHash(live: LiveRun): string {
  const parsed = parseScenario(live.exportText(), 'export.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const replay = new FleetRun(parsed.scenario, { seed: live.seed });
  replay.runUntil(live.now);
  return replay.trace.traceHash;
}

describe('CostCurve', () => {
  it('records only new ground and inverts its own interpolation', () => {
    const curve = new CostCurve();
    curve.note(0, 100, 10);
    curve.note(100, 300, 40);
    curve.note(50, 200, 999); // already seen: ignored
    curve.note(200, 400, 20); // half new: half its cost
    expect(curve.reachedMs).toBe(400);
    expect(curve.totalMs).toBe(60);
    expect(curve.at(200)).toBe(30);
    for (const cost of [0, 5, 10, 33, 59]) expect(curve.at(curve.timeAtCost(cost))).toBeCloseTo(cost, 9);
  });
});

describe('checkpoint ladder', () => {
  it('sizes the ladder by memory: 256 MiB holds five rungs of 100k nodes, and 1k nodes get the cap', () => {
    expect(checkpointCount(100_000, 256 * 1024 * 1024)).toBe(5);
    expect(checkpointCount(1_000, 256 * 1024 * 1024)).toBe(16);
    expect(checkpointCount(10_000_000, 1)).toBe(1);
  });

  it('a rung stands for the session only while its applied injections are a prefix and the rest come later', () => {
    const started = LiveRun.start({ name: 'web-small', text: SMALL_SCENARIO }, 1);
    if (!started.ok) throw new Error(started.errors[0]);
    const live = started.live;
    live.advance(HOUR_MS, Infinity, () => 0);
    const late = { at: 2 * HOUR_MS, kind: 'fault' as const, item: { kind: 'server-outage', duration: '5m' } };
    const early = { at: HOUR_MS / 2, kind: 'fault' as const, item: { kind: 'server-outage', duration: '5m' } };
    expect(isValidFor(live, [late])).toBe(true);
    expect(isValidFor(live, [early])).toBe(false);
  });

  it('builds rungs in the background and a seek back starts from the closest one below the target', () => {
    const { s, status, settle, background } = session();
    s.handle({ type: 'seek', timeMs: 8 * HOUR_MS });
    settle();
    background(5_000);
    const rungs = status().checkpoints;
    expect(rungs.length).toBeGreaterThanOrEqual(3);
    expect(rungs.every((t) => t > 0 && t <= 8 * HOUR_MS)).toBe(true);
    const target = 7 * HOUR_MS;
    const below = Math.max(...rungs.filter((t) => t <= target));
    s.handle({ type: 'seek', timeMs: target });
    settle();
    expect(status().lastSeek).toMatchObject({ fromMs: below, toMs: target });
    expect(status().traceHash).toBe(replayHash(s.current!));
    // The run left at 8h became a rung: seeking forward to it again replays nothing.
    expect(status().checkpoints).toContain(8 * HOUR_MS);
    s.handle({ type: 'seek', timeMs: 8 * HOUR_MS });
    settle();
    expect(status().lastSeek).toMatchObject({ fromMs: 8 * HOUR_MS, toMs: 8 * HOUR_MS });
  });

  it('answers a seek before building rungs: the tick that finishes a seek sends its status and does no checkpoint work', () => {
    const { s, frames, status, settle, background } = session();
    s.handle({ type: 'seek', timeMs: 8 * HOUR_MS });
    settle();
    background(5_000);
    // The middle of the widest gap between rungs: a seek that takes more than the first tick.
    const rungs = [0, ...status().checkpoints].sort((a, b) => a - b);
    let widest = 1;
    for (let i = 2; i < rungs.length; i++) if (rungs[i] - rungs[i - 1] > rungs[widest] - rungs[widest - 1]) widest = i;
    const target = Math.round((rungs[widest] + rungs[widest - 1]) / 2);
    const work = vi.spyOn(CheckpointLadder.prototype, 'work');
    try {
      s.handle({ type: 'seek', timeMs: target });
      expect(status().seekingTo).toBe(target);
      let finishing = -1;
      for (let k = 0; k < 10_000 && status().seekingTo !== null; k++) {
        const before = work.mock.calls.length;
        s.tick(100);
        if (status().seekingTo === null) finishing = work.mock.calls.length - before;
      }
      expect(status().timeMs).toBe(target);
      // The seek took the rung below its target, so the ladder wants work; it waits for the next tick.
      expect(s.wantsBackgroundWork).toBe(true);
      expect(finishing).toBe(0);
      expect(frames.at(-1)?.type).toBe('status');
      s.tick(100);
      expect(work).toHaveBeenCalled();
    } finally {
      work.mockRestore();
    }
  });

  it('an injection after a seek back makes the later rungs stale: a seek forward past them starts from the injection, and matches a replay', () => {
    const { s, status, settle, background } = session();
    s.handle({ type: 'seek', timeMs: 8 * HOUR_MS });
    settle();
    background(5_000);
    expect(status().checkpoints.some((t) => t > 2 * HOUR_MS)).toBe(true);
    s.handle({ type: 'seek', timeMs: HOUR_MS });
    settle();
    s.handle({ type: 'inject', fault: { kind: 'power-loss', target: { zone: 'b' }, duration: '5m' } });
    s.handle({ type: 'seek', timeMs: 7 * HOUR_MS });
    settle();
    expect(status().lastSeek?.fromMs).toBe(HOUR_MS);
    expect(status().checkpoints.every((t) => t <= HOUR_MS || t >= 7 * HOUR_MS)).toBe(true);
    expect(status().traceHash).toBe(replayHash(s.current!));
  });

  it('property: seeks back and forth, injections and background work between them rest on the run a replay of the export gives', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('seek' as const), h: fc.double({ min: 0, max: 12, noNaN: true }) }),
      fc.record({ op: fc.constant('background' as const), ticks: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ op: fc.constant('inject' as const), zone: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ op: fc.constant('publish' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 3, maxLength: 10 }), (steps) => {
        const { s, status, settle, background } = session(8 * 200 * 512);
        let releases = 0;
        for (const st of steps) {
          if (st.op === 'seek') {
            s.handle({ type: 'seek', timeMs: Math.round(st.h * HOUR_MS) });
            settle();
          } else if (st.op === 'background') {
            background(st.ticks);
          } else if (st.op === 'inject') {
            s.handle({ type: 'inject', fault: { kind: 'power-loss', target: { zone: st.zone }, duration: '5m' } });
          } else {
            s.handle({ type: 'action', action: { do: 'publish-release', release: { version: `9.${releases++}.0` } } });
          }
        }
        const live = s.current!;
        expect(live.planned).toEqual([]);
        expect(status().traceHash).toBe(live.run.trace.traceHash);
        expect(live.run.trace.traceHash).toBe(replayHash(live));
      }),
      { numRuns: 12 },
    );
  });

  it('drops rungs an injection before their time makes stale', () => {
    const started = LiveRun.start({ name: 'web-small', text: SMALL_SCENARIO }, 1);
    if (!started.ok) throw new Error(started.errors[0]);
    const ladder = new CheckpointLadder(started.live.source, 1, 4);
    const curve = new CostCurve();
    curve.note(0, 4 * HOUR_MS, 100);
    for (let k = 0; k < 200 && ladder.work([], curve, Infinity, () => 0); k++) {
      if (ladder.times.length >= 2 && !ladder.building) break;
    }
    expect(ladder.times.length).toBeGreaterThanOrEqual(2);
    const at = ladder.times[0] + 1;
    ladder.prune([{ at, kind: 'fault', item: { kind: 'server-outage', duration: '5m' } }]);
    expect(ladder.times.every((t) => t <= at)).toBe(true);
  });
});
