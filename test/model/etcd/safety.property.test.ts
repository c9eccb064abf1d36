// Raft's safety properties (Figure 3 of the Raft paper) under random schedules of crashes,
// restarts, partitions, message loss and latency spikes, with clients doing get and
// compare-and-swap on one register. Checkers hook the cluster's role and commit events:
//   Election Safety: at most one leader per term;
//   Log Matching / State Machine Safety: every member commits the same entry at an index;
//   Leader Completeness: a new leader's log holds every entry committed before;
//   linearizability of the register's history (linearizability.ts).
// Then a liveness phase heals everything: a leader must appear and a write must commit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvClient, type KvResult } from '../../../sim/model/etcd/kv.ts';
import type { Entry } from '../../../sim/model/etcd/raft/types.ts';
import { applyFaults, faultArbitrary, healAll } from './faults.ts';
import { makeCluster, runUntilLeader, type Harness } from './harness.ts';
import { isLinearizable, type RegisterOp } from './linearizability.ts';

const HORIZON_MS = 8_000;

function attachSafetyCheckers(h: Harness): { violations: string[] } {
  const violations: string[] = [];
  const leaderOfTerm = new Map<number, number>();
  const committed: Entry[] = [];
  h.cluster.onRoleChange((member, _from, to, term) => {
    if (to !== 'leader') return;
    const other = leaderOfTerm.get(term);
    if (other !== undefined && other !== member) violations.push(`§5.2 election safety: members ${other} and ${member} lead term ${term}`);
    leaderOfTerm.set(term, member);
    const log = h.cluster.raftState(member)!.log;
    for (let i = 0; i < committed.length; i++) {
      if (log[i] !== committed[i] && log[i]?.term !== committed[i].term) violations.push(`§5.4 leader completeness: leader ${member} of term ${term} lacks committed entry ${i + 1}`);
    }
  });
  h.cluster.onCommit((member, index, entry) => {
    if (index <= committed.length) {
      const first = committed[index - 1];
      if (first.term !== entry.term || first.data !== entry.data) violations.push(`§5.4.3 state machine safety: member ${member} committed a different entry at ${index}`);
    } else {
      if (index !== committed.length + 1) violations.push(`commit order: member ${member} committed ${index} after ${committed.length}`);
      committed.push(entry);
    }
  });
  return { violations };
}

/** Clients run one operation at a time each: reads, and CAS from the value they last saw. */
function startClients(h: Harness, clientCount: number, opsPerClient: number): RegisterOp[] {
  const history: RegisterOp[] = [];
  for (let c = 0; c < clientCount; c++) {
    const client = new KvClient(h.cluster, { requestTimeoutMs: 500, maxAttempts: 3 });
    let lastSeen: string | null = null;
    let n = 0;
    const next = (): void => {
      if (n >= opsPerClient) return;
      const invokeMs = h.sim.now;
      const id = n++;
      if (id % 2 === 0) {
        client.get('register', (r: KvResult) => {
          if (r.ok) {
            lastSeen = r.kv?.value ?? null;
            history.push({ kind: 'read', invokeMs, returnMs: h.sim.now, value: lastSeen });
          }
          h.sim.callAfter(300 + 97 * c, next);
        });
      } else {
        const from = lastSeen;
        const to = `c${c}-${id}`;
        client.cas('register', to, { value: from }, (r: KvResult) => {
          if (r.ok) history.push({ kind: 'cas', invokeMs, returnMs: h.sim.now, from, to, ok: r.succeeded });
          else if (!r.definite) history.push({ kind: 'cas-unknown', invokeMs, returnMs: Infinity, from, to });
          h.sim.callAfter(300 + 97 * c, next);
        });
      }
    };
    h.sim.callAt(500 + 131 * c, next);
  }
  return history;
}

describe('etcd cluster safety under random faults (Raft paper Figure 3)', () => {
  // With fastRequests, requests to the quiescent cluster are served in closed form and handed
  // to Raft when a fault thaws it (sim/model/etcd/fast-requests.ts): the same properties hold.
  it.each([false, true])('§5.2 §5.4 at most one leader per term, committed entries never lost or reordered, and the register history is linearizable (fastRequests %s)', (fastRequests) => {
    let served = 0;
    let materialized = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(3, 5),
        fc.array(faultArbitrary(5, HORIZON_MS), { maxLength: 12 }),
        (seed, members, rawFaults) => {
          const faults = rawFaults.map((f) => ('member' in f ? { ...f, member: f.member % members } : 'side' in f ? { ...f, side: [...new Set(f.side.map((m) => m % members))] } : f));
          const h = makeCluster({ seed, members, fidelity: 'fast', fastRequests });
          const { violations } = attachSafetyCheckers(h);
          applyFaults(h, faults);
          const history = startClients(h, 3, 8);
          h.sim.runUntil(HORIZON_MS + 4_000);
          served += h.cluster.fast?.served ?? 0;
          materialized += h.cluster.fast?.materialized ?? 0;
          // Liveness phase: heal, and a leader must be elected and serve a write.
          // (Members coming back from a minority with high terms depose the leader first: etcd
          // without PreVote does the same, so the cluster gets a few seconds to settle.)
          healAll(h);
          h.sim.runFor(3_000);
          expect(runUntilLeader(h, 5_000)).not.toBeNull();
          let wrote = false;
          new KvClient(h.cluster, { maxAttempts: 10 }).put('liveness', 'ok', (r) => (wrote = r.ok));
          h.sim.runFor(5_000);
          expect(violations).toEqual([]);
          expect(wrote).toBe(true);
          expect(isLinearizable(history)).toBe(true);
          // Every live member's committed prefix equals every other's.
          const logs = h.cluster.members.map((m) => m.state!).map((s) => s.log.slice(0, s.commit));
          const shortest = Math.min(...logs.map((l) => l.length));
          for (const log of logs) expect(log.slice(0, shortest)).toEqual(logs[0].slice(0, shortest));
        },
      ),
      { numRuns: 40, seed: 20241126 },
    );
    // The fast variant did take the shortcut, and faults did interrupt requests on it.
    if (fastRequests) {
      expect(served).toBeGreaterThan(100);
      expect(materialized).toBeGreaterThan(0);
    }
  });
});
