import { assert, fail } from '../../../engine/assert.ts';
import { appendAfter, findConflictByTerm, lastIndex, matchTerm, slice, termAt } from './log.ts';
import { committedIndex } from './quorum.ts';
import type { Effect, MsgApp, MsgAppResp, MsgHeartbeat, Progress, RaftState } from './types.ts';

/**
 * Log replication (§5.3) and commitment (§5.4.2): AppendEntries with the consistency check and
 * conflict backtracking, the leader's per-follower progress (etcd-io/raft tracker/progress.go,
 * with its probe and replicate states), and commit by counting replicas of current-term entries.
 */

export function newProgress(nextIndex: number): Progress {
  return { match: 0, next: nextIndex, state: 'probe', paused: false, lastHeardMs: -Infinity };
}

/** Advances the commit index (never backwards) and reports the newly committed range. */
export function commitTo(s: RaftState, index: number, out: Effect[]): void {
  if (index <= s.commit) return;
  if (!(index <= lastIndex(s.log))) fail(`member ${s.id}: commit ${index} beyond last index ${lastIndex(s.log)}`);
  out.push({ type: 'commit', fromIndex: s.commit, toIndex: index });
  s.commit = index;
}

/**
 * Sends the follower the entries it lacks, or an empty MsgApp carrying the commit index
 * (etcd-io/raft maybeSendAppend with sendIfEmpty). In probe state one MsgApp is outstanding at
 * a time; in replicate state `next` moves optimistically past what was sent.
 */
export function sendAppend(s: RaftState, to: number, out: Effect[]): void {
  const pr = s.progress[to];
  if (pr.state === 'probe' && pr.paused) return;
  const prevIndex = pr.next - 1;
  const entries = slice(s.log, prevIndex, lastIndex(s.log), s.config.maxEntriesPerAppend);
  const message: MsgApp = {
    type: 'app',
    from: s.id,
    to,
    term: s.term,
    index: prevIndex,
    logTerm: termAt(s.log, prevIndex),
    entries,
    commit: s.commit,
  };
  out.push({ type: 'send', message });
  if (pr.state === 'replicate') pr.next = prevIndex + entries.length + 1;
  else pr.paused = true;
}

export function bcastAppend(s: RaftState, out: Effect[]): void {
  for (let to = 0; to < s.config.memberCount; to++) if (to !== s.id) sendAppend(s, to, out);
}

/** Heartbeats carry min(match, commit) so that a follower never commits past what it holds. */
export function bcastHeartbeat(s: RaftState, ctx: number, out: Effect[]): void {
  for (let to = 0; to < s.config.memberCount; to++) {
    if (to === s.id) continue;
    const message: MsgHeartbeat = {
      type: 'heartbeat',
      from: s.id,
      to,
      term: s.term,
      commit: Math.min(s.progress[to].match, s.commit),
      ctx,
    };
    out.push({ type: 'send', message });
  }
}

/**
 * §5.4.2: the leader commits the highest index stored on a majority, but only when that entry
 * is of its own term; earlier entries then commit with it (Figure 8). Returns true on progress.
 */
export function maybeCommit(s: RaftState, out: Effect[]): boolean {
  const matches = s.progress.map((pr) => pr.match);
  const index = committedIndex(matches);
  if (index <= s.commit || termAt(s.log, index) !== s.term) return false;
  commitTo(s, index, out);
  return true;
}

/** Leader: appends a client proposal to its own log and replicates it. */
export function appendProposal(s: RaftState, data: unknown, out: Effect[]): number {
  const index = appendOwn(s, data);
  bcastAppend(s, out);
  maybeCommit(s, out);
  return index;
}

/** Leader: the proposal in its own log, counted as replicated on itself. Returns its index. */
export function appendOwn(s: RaftState, data: unknown): number {
  if (!(s.role === 'leader')) fail(`member ${s.id}: only a leader appends proposals`);
  s.log.push({ term: s.term, data });
  const index = lastIndex(s.log);
  const self = s.progress[s.id];
  self.match = index;
  self.next = index + 1;
  return index;
}

/**
 * Follower: the AppendEntries receiver of Figure 2 (etcd-io/raft handleAppendEntries). A MsgApp
 * below our commit index is stale: answer with the commit index. When the entry before the new
 * ones does not match (§5.3 consistency check), reject with a hint: the last index whose term is
 * <= the leader's, so that the leader skips a whole conflicting term at once.
 */
export function handleAppend(s: RaftState, m: MsgApp, out: Effect[]): void {
  const reply = (fields: Pick<MsgAppResp, 'index' | 'reject' | 'rejectHint' | 'logTerm'>): void => {
    out.push({ type: 'send', message: { type: 'appResp', from: s.id, to: m.from, term: s.term, ...fields } });
  };
  if (m.index < s.commit) {
    reply({ index: s.commit, reject: false, rejectHint: 0, logTerm: 0 });
    return;
  }
  if (matchTerm(s.log, m.index, m.logTerm)) {
    const lastNew = appendAfter(s.log, m.index, m.entries, s.commit);
    commitTo(s, Math.min(m.commit, lastNew), out);
    reply({ index: lastNew, reject: false, rejectHint: 0, logTerm: 0 });
    return;
  }
  const hint = findConflictByTerm(s.log, Math.min(m.index, lastIndex(s.log)), m.logTerm);
  reply({ index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term });
}

export function handleHeartbeat(s: RaftState, m: MsgHeartbeat, out: Effect[]): void {
  commitTo(s, m.commit, out);
  out.push({ type: 'send', message: { type: 'heartbeatResp', from: s.id, to: m.from, term: s.term, ctx: m.ctx } });
}

/** Leader: a follower's answer to MsgApp (etcd-io/raft stepLeader, case MsgAppResp). */
export function handleAppendResp(s: RaftState, m: MsgAppResp, nowMs: number, out: Effect[]): void {
  const pr = s.progress[m.from];
  pr.lastHeardMs = nowMs;
  if (m.reject) {
    // Skip the leader's entries whose term is above the follower's hint term too.
    const probeIndex = m.logTerm > 0 ? findConflictByTerm(s.log, m.rejectHint, m.logTerm).index : m.rejectHint;
    if (maybeDecrTo(pr, m.index, probeIndex)) sendAppend(s, m.from, out);
    return;
  }
  const wasPaused = pr.state === 'probe' && pr.paused;
  if (!maybeUpdate(pr, m.index)) return;
  if (pr.state === 'probe') {
    pr.state = 'replicate';
    pr.next = pr.match + 1;
  }
  if (maybeCommit(s, out)) {
    // Tell every follower the new commit index at once (etcd-io/raft: bcastAppend after commit).
    bcastAppend(s, out);
  } else if (wasPaused || pr.next <= lastIndex(s.log)) {
    sendAppend(s, m.from, out);
  }
}

/** Leader: a heartbeat answer; a follower that lags gets the missing entries (lost MsgApps). */
export function handleHeartbeatResp(s: RaftState, from: number, nowMs: number, out: Effect[]): void {
  const pr = s.progress[from];
  pr.lastHeardMs = nowMs;
  pr.paused = false;
  if (pr.match < lastIndex(s.log)) sendAppend(s, from, out);
}

/** tracker/progress.go MaybeUpdate: a successful MsgAppResp for `index`. */
function maybeUpdate(pr: Progress, index: number): boolean {
  let updated = false;
  if (pr.match < index) {
    pr.match = index;
    updated = true;
    pr.paused = false;
  }
  pr.next = Math.max(pr.next, index + 1);
  return updated;
}

/** tracker/progress.go MaybeDecrTo: a rejection; false when it is stale. */
function maybeDecrTo(pr: Progress, rejected: number, matchHint: number): boolean {
  if (pr.state === 'replicate') {
    if (rejected <= pr.match) return false;
    pr.state = 'probe';
    pr.next = pr.match + 1;
    pr.paused = false;
    return true;
  }
  if (pr.next - 1 !== rejected) return false;
  pr.next = Math.max(Math.min(rejected, matchHint + 1), pr.match + 1);
  pr.paused = false;
  return true;
}
