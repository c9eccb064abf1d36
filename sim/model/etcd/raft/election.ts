import { assert, fail } from '../../../engine/assert.ts';
import { isUpToDate, lastIndex, lastTerm } from './log.ts';
import { voteResult } from './quorum.ts';
import { dropReads } from './read-index.ts';
import { bcastAppend, maybeCommit, newProgress } from './replication.ts';
import { nextUniform } from './rng.ts';
import { roleAfter, type RoleEvent } from './roles.ts';
import { NONE, type Effect, type MemberId, type MsgVote, type MsgVoteResp, type RaftState } from './types.ts';

/**
 * Leader election (§5.2, §5.4.1): role changes (etcd-io/raft becomeFollower, becomeCandidate,
 * becomeLeader, all through the role machine of roles.ts), campaigns, and the vote rules.
 */

/** etcd-io/raft resetRandomizedElectionTimeout: a fresh draw in [min, max) on every role change. */
function drawElectionTimeout(s: RaftState): void {
  const range = s.config.electionTimeoutMs;
  s.electionTimeoutMs = range.min + (range.max - range.min) * nextUniform(s);
}

/** etcd-io/raft raft.reset: a new term forgets the vote; every role change forgets volatile state. */
function reset(s: RaftState, term: number, nowMs: number, out: Effect[]): void {
  if (s.term !== term) {
    if (!(term > s.term)) fail(`member ${s.id}: term may not go back from ${s.term} to ${term}`);
    s.term = term;
    s.votedFor = NONE;
  }
  dropReads(s, out);
  s.lead = NONE;
  s.electionResetMs = nowMs;
  drawElectionTimeout(s);
  s.votes = new Map();
  const next = lastIndex(s.log) + 1;
  s.progress = [];
  for (let i = 0; i < s.config.memberCount; i++) s.progress.push(newProgress(next));
}

function changeRole(s: RaftState, event: RoleEvent, reason: string, out: Effect[]): void {
  const from = s.role;
  s.role = roleAfter(from, event);
  out.push({ type: 'role', from, to: s.role, term: s.term, reason });
}

function armElectionTimer(s: RaftState, out: Effect[]): void {
  out.push({ type: 'cancelTimer', timer: 'heartbeat' });
  out.push({ type: 'cancelTimer', timer: 'checkQuorum' });
  out.push({ type: 'setTimer', timer: 'election', atMs: s.electionResetMs + s.electionTimeoutMs });
}

export function becomeFollower(
  s: RaftState,
  term: number,
  lead: MemberId,
  nowMs: number,
  event: RoleEvent,
  reason: string,
  out: Effect[],
): void {
  reset(s, term, nowMs, out);
  s.lead = lead;
  changeRole(s, event, reason, out);
  armElectionTimer(s, out);
}

/** §5.2: increment the term, vote for self, ask everyone else. A lone member wins at once. */
export function campaign(s: RaftState, nowMs: number, out: Effect[]): void {
  reset(s, s.term + 1, nowMs, out);
  s.votedFor = s.id;
  changeRole(s, 'ELECTION_TIMEOUT', 'election timeout', out);
  armElectionTimer(s, out);
  s.votes.set(s.id, true);
  if (voteResult(s.votes, s.config.memberCount) === 'won') {
    becomeLeader(s, nowMs, out);
    return;
  }
  const lastIdx = lastIndex(s.log);
  const lastT = lastTerm(s.log);
  for (let to = 0; to < s.config.memberCount; to++) {
    if (to === s.id) continue;
    const message: MsgVote = { type: 'vote', from: s.id, to, term: s.term, lastIndex: lastIdx, lastTerm: lastT };
    out.push({ type: 'send', message });
  }
}

/**
 * A new leader appends an empty entry of its term (§8: it learns what is committed by committing
 * something of its own term) and starts heartbeats and CheckQuorum.
 */
export function becomeLeader(s: RaftState, nowMs: number, out: Effect[]): void {
  reset(s, s.term, nowMs, out);
  s.lead = s.id;
  changeRole(s, 'WIN_ELECTION', 'won election', out);
  s.quorumCheckMs = nowMs;
  s.log.push({ term: s.term, data: null });
  const self = s.progress[s.id];
  self.match = lastIndex(s.log);
  self.next = self.match + 1;
  self.lastHeardMs = nowMs;
  out.push({ type: 'cancelTimer', timer: 'election' });
  out.push({ type: 'setTimer', timer: 'heartbeat', atMs: nowMs + s.config.heartbeatIntervalMs });
  if (s.config.checkQuorum) out.push({ type: 'setTimer', timer: 'checkQuorum', atMs: nowMs + s.config.electionTimeoutMs.min });
  bcastAppend(s, out);
  maybeCommit(s, out);
}

/**
 * The RequestVote receiver (Figure 2; etcd-io/raft Step, case MsgVote): grant when we have not
 * voted for someone else in this term and know no leader, and the candidate's log is at least as
 * up-to-date as ours (§5.4.1). Granting resets our election clock (§5.2: a follower that grants a
 * vote has heard from a candidate).
 */
export function handleVote(s: RaftState, m: MsgVote, nowMs: number, out: Effect[]): void {
  const canVote = s.votedFor === m.from || (s.votedFor === NONE && s.lead === NONE);
  const grant = canVote && isUpToDate(s.log, m.lastIndex, m.lastTerm);
  if (grant) {
    s.votedFor = m.from;
    s.electionResetMs = nowMs;
  }
  const reply: MsgVoteResp = { type: 'voteResp', from: s.id, to: m.from, term: s.term, reject: !grant };
  out.push({ type: 'send', message: reply });
}

export function handleVoteResp(s: RaftState, m: MsgVoteResp, nowMs: number, out: Effect[]): void {
  if (!s.votes.has(m.from)) s.votes.set(m.from, !m.reject);
  const result = voteResult(s.votes, s.config.memberCount);
  if (result === 'won') becomeLeader(s, nowMs, out);
  else if (result === 'lost') becomeFollower(s, s.term, NONE, nowMs, 'LOSE_ELECTION', 'lost election', out);
}
