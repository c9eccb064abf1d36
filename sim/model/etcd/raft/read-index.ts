import { quorumSize } from './quorum.ts';
import { bcastHeartbeat } from './replication.ts';
import { termAt } from './log.ts';
import type { Effect, MemberId, RaftState } from './types.ts';

/**
 * Linearizable reads without a log entry (etcd-io/raft read_only.go, ReadOnlySafe; Raft thesis
 * §6.4): the leader records its commit index, confirms it is still leader with a round of
 * heartbeats acknowledged by a majority, and then the read may be served once that index is
 * applied. A leader that has not yet committed an entry of its own term does not know the latest
 * commit index (§8), so it refuses (the client retries).
 */
export function readIndex(s: RaftState, requestId: number, out: Effect[]): void {
  if (s.role !== 'leader') {
    out.push({ type: 'readDropped', requestId, reason: 'not-leader', lead: s.lead });
    return;
  }
  if (termAt(s.log, s.commit) !== s.term) {
    out.push({ type: 'readDropped', requestId, reason: 'leader-not-ready', lead: s.id });
    return;
  }
  if (s.config.memberCount === 1) {
    out.push({ type: 'readReady', requestId, index: s.commit });
    return;
  }
  const ctx = ++s.readCtx;
  s.pendingReads.push({ requestId, index: s.commit, ctx, acks: new Set([s.id]) });
  bcastHeartbeat(s, ctx, out);
}

/** A heartbeat answer for round `ctx`: a majority releases that read and every earlier one. */
export function ackRead(s: RaftState, from: MemberId, ctx: number, out: Effect[]): void {
  if (ctx === 0) return;
  const read = s.pendingReads.find((r) => r.ctx === ctx);
  if (read === undefined) return;
  read.acks.add(from);
  if (read.acks.size < quorumSize(s.config.memberCount)) return;
  let released = 0;
  while (released < s.pendingReads.length && s.pendingReads[released].ctx <= ctx) {
    const r = s.pendingReads[released++];
    out.push({ type: 'readReady', requestId: r.requestId, index: r.index });
  }
  s.pendingReads.splice(0, released);
}

/** Role change: reads waiting for confirmation fail (the client retries at the new leader). */
export function dropReads(s: RaftState, out: Effect[]): void {
  for (const r of s.pendingReads) out.push({ type: 'readDropped', requestId: r.requestId, reason: 'leader-changed', lead: s.lead });
  s.pendingReads = [];
}
