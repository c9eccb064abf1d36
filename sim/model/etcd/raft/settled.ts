import { fail } from '../../../engine/assert.ts';
import type { RaftState } from './types.ts';

/**
 * What a quiescent cluster's shortcuts (sim/model/etcd/quiescence.ts, fast-requests.ts) do to Raft
 * state, in closed form: the state the members reach once the messages those shortcuts skip
 * (heartbeats and their answers, a proposal's MsgApp and the commit's, ReadIndex rounds) have all
 * been delivered with nothing else in between. Raft state has one writer, this directory: the
 * shortcuts compute times and skip messages; the writes are here, next to the step() code they
 * stand for (test/model/etcd/raft-writer.test.ts checks that nothing outside it writes a field).
 */

/**
 * A quiescent cluster's closed-form commit of the entry at `index` (sim/model/etcd/fast-requests.ts):
 * the state every member reaches once the proposal's MsgApp and the commit's MsgApp, and their
 * answers, have all been delivered with nothing else in between. The follower appends the entry
 * after its log (which must end just before it), the leader records the follower's match, and
 * every member commits it. The caller skips those messages on the network.
 */
export function commitSettled(leader: RaftState, followers: readonly RaftState[], index: number): void {
  if (!(leader.role === 'leader')) fail(`member ${leader.id}: a settled commit needs the leader`);
  if (!(leader.commit === index - 1)) fail(`etcd: settled commit of ${index} after commit ${leader.commit}`);
  const entry = leader.log[index - 1];
  if (entry === undefined) fail(`member ${leader.id}: no entry at ${index} to commit`);
  for (const s of followers) {
    if (!(s.log.length === index - 1)) fail(`etcd: member ${s.id} has ${s.log.length} entries, settled entry is ${index}`);
    s.log.push(entry);
    const pr = leader.progress[s.id];
    pr.match = index;
    pr.next = index + 1;
    s.commit = index;
  }
  leader.commit = index;
}

/** A follower received a heartbeat at `atMs` (election.ts: the election timer restarts). */
export function heardHeartbeat(follower: RaftState, atMs: number): void {
  follower.electionResetMs = atMs;
}

/** The leader heard `member`'s answer at `atMs` (progress RecentActive, for check quorum). */
export function heardFrom(leader: RaftState, member: number, atMs: number): void {
  leader.progress[member].lastHeardMs = atMs;
}

/** The leader's last check-quorum ran at `atMs` (raft.ts: the checkQuorum timer). */
export function quorumChecked(leader: RaftState, atMs: number): void {
  leader.quorumCheckMs = atMs;
}

/** The leader starts a ReadIndex round (read-index.ts, read_only.go): its context. */
export function nextReadCtx(leader: RaftState): number {
  return ++leader.readCtx;
}
