// The quiescence shortcut (sim/model/etcd/quiescence.ts) against the event-by-event run: the
// same random schedules of faults and client requests run under fidelity `fast` and `full`, and
// everything observable must be equal: the trace (leader timeline), the answers to requests,
// the metrics, the network's message counters and the members' Raft states. The shortcut must
// also actually skip events on an idle cluster.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fidelity } from '../../../sim/model/etcd/cluster.ts';
import { KvClient } from '../../../sim/model/etcd/kv.ts';
import { applyFaults, faultArbitrary, type Fault } from './faults.ts';
import { makeCluster } from './harness.ts';

const HORIZON_MS = 60_000;

function run(fidelity: Fidelity, seed: number, faults: readonly Fault[], requestTimesMs: readonly number[]) {
  const h = makeCluster({ seed, fidelity, members: 5 });
  applyFaults(h, faults);
  const client = new KvClient(h.cluster, { requestTimeoutMs: 500 });
  const answers: string[] = [];
  requestTimesMs.forEach((atMs, i) => {
    h.sim.callAt(atMs + 0.25, () => {
      const done = (r: unknown) => answers.push(`${i}@${h.sim.now}:${JSON.stringify(r)}`);
      if (i % 3 === 0) client.get('k', done);
      else client.put('k', `v${i}`, done);
    });
  });
  h.sim.runUntil(HORIZON_MS);
  h.cluster.catchUp();
  const states = h.cluster.members.map((m) => {
    const s = m.state;
    if (s === null) return null;
    return { term: s.term, role: s.role, lead: s.lead, commit: s.commit, log: s.log.length, reset: s.electionResetMs, heard: s.progress.map((p) => p.lastHeardMs) };
  });
  return {
    trace: h.events.map((e) => `${e.time} ${e.kind} ${e.subject} ${JSON.stringify(e.data)}`),
    traceHash: h.trace.traceHash,
    answers,
    report: h.cluster.report(),
    counters: { ...h.net.counters },
    states,
    events: h.sim.eventsExecuted,
    freezes: h.cluster.quiescenceCounts.freezes,
  };
}

describe('quiescence shortcut (docs/sources.md "Shortcuts")', () => {
  it('fast and full fidelity agree on traces, answers, metrics, message counts and Raft states for random schedules', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(faultArbitrary(5, HORIZON_MS), { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: HORIZON_MS }), { maxLength: 6 }),
        (seed, faults, requestTimesMs) => {
          const fast = run('fast', seed, faults, requestTimesMs);
          const full = run('full', seed, faults, requestTimesMs);
          expect(fast.trace).toEqual(full.trace);
          expect(fast.traceHash).toBe(full.traceHash);
          expect(fast.answers).toEqual(full.answers);
          expect(fast.report).toEqual(full.report);
          expect(fast.counters).toEqual(full.counters);
          expect(fast.states).toEqual(full.states);
          expect(fast.events).toBeLessThanOrEqual(full.events);
        },
      ),
      { numRuns: 25, seed: 424242 },
    );
  });

  it('an idle healthy cluster costs a handful of events a minute in fast fidelity and thousands in full', () => {
    const fast = run('fast', 3, [], []);
    const full = run('full', 3, [], []);
    expect(fast.trace).toEqual(full.trace);
    expect(fast.freezes).toBeGreaterThan(0);
    expect(fast.events).toBeLessThan(200);
    expect(full.events).toBeGreaterThan(10_000);
  });

  it('a cluster frozen for a long time thaws into the full run’s state when its leader is killed', () => {
    const kill: Fault[] = [{ atMs: 45_000, kind: 'crash', member: 0 }, { atMs: 45_000, kind: 'crash', member: 1 }];
    const fast = run('fast', 11, kill, [50_000]);
    const full = run('full', 11, kill, [50_000]);
    expect(fast.trace.some((line) => line.includes('etcd.crash'))).toBe(true);
    expect(fast.trace).toEqual(full.trace);
    expect(fast.states).toEqual(full.states);
    expect(fast.answers).toEqual(full.answers);
  });
});
