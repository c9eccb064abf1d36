import { assert, fail } from '../../../engine/assert.ts';
import { isUpToDate, lastIndex, lastTerm } from './log.ts';
import { voteResult } from './quorum.ts';
import { dropReads } from './read-index.ts';
import { bcastAppend, maybeCommit, newProgress } from './replication.ts';
import { nextUniform } from './rng.ts';
import { roleAfter, type RoleEvent } from './roles.ts';
import { NONE, type Effect, type MemberId, type MsgPreVote, type MsgPreVoteResp, type MsgVote, type MsgVoteResp, type RaftState } from './types.ts';

/**
 * Leader election (§5.2, §5.4.1): role changes (etcd-io/raft becomeFollower, becomeCandidate,
 * becomeLeader, all through the role machine of roles.ts), campaigns, and the vote rules.
 */

/**
 * etcd-io/raft resetRandomizedElectionTimeout: `electionTimeout + globalRand.Intn(electionTimeout)`
 * in whole ticks, a fresh draw on every reset. A tick is the heartbeat interval (etcd's TickMs);
 * the range's ends are rounded to ticks, so [1000 ms, 2000 ms) with a 100 ms heartbeat draws one
 * of 10..19 ticks. A range narrower than a tick (min == max) is taken as written, without a draw.
 */
export function drawElectionTimeout(s: RaftState): void {
  const range = s.config.electionTimeoutMs;
  const tickMs = s.config.heartbeatIntervalMs;
  const minTicks = Math.max(2, Math.round(range.min / tickMs));
  const maxTicks = Math.round(range.max / tickMs);
  if (maxTicks <= minTicks) {
    s.electionTimeoutMs = range.min;
    s.electionTicks = 0;
    return;
  }
  s.electionTicks = minTicks + Math.floor((maxTicks - minTicks) * nextUniform(s));
  s.electionTimeoutMs = s.electionTicks * tickMs;
}

/**
 * When the election timeout elapses (etcd-io/raft tickElection: electionElapsed counts the
 * member's own ticks since the reset, and the timeout fires on the tick that reaches the drawn
 * count): the first tick of this member after the reset, plus ticks - 1 more. So a drawn count of
 * n ticks elapses (n - 1) to n ticks after the reset, depending on the member's phase.
 */
export function electionDeadlineMs(s: RaftState): number {
  if (s.electionTicks === 0) return s.electionResetMs + s.electionTimeoutMs;
  const tickMs = s.config.heartbeatIntervalMs;
  const firstTickMs = s.tickPhaseMs + (Math.floor((s.electionResetMs - s.tickPhaseMs) / tickMs) + 1) * tickMs;
  return firstTickMs + (s.electionTicks - 1) * tickMs;
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
  out.push({ type: 'setTimer', timer: 'election', atMs: electionDeadlineMs(s) });
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

/**
 * etcd-io/raft campaign(campaignPreElection) and becomePreCandidate: the term and the vote stay,
 * no leader is known, the election clock restarts (tickElection zeroes electionElapsed before
 * MsgHup) without a new draw (becomePreCandidate does not reset); pre-votes for term+1 go out.
 */
export function preCampaign(s: RaftState, nowMs: number, out: Effect[]): void {
  s.lead = NONE;
  s.votes = new Map();
  s.electionResetMs = nowMs;
  changeRole(s, 'PRE_ELECTION_TIMEOUT', 'election timeout (pre-vote)', out);
  armElectionTimer(s, out);
  s.votes.set(s.id, true);
  if (voteResult(s.votes, s.config.memberCount) === 'won') {
    campaign(s, nowMs, out);
    return;
  }
  const lastIdx = lastIndex(s.log);
  const lastT = lastTerm(s.log);
  for (let to = 0; to < s.config.memberCount; to++) {
    if (to === s.id) continue;
    const message: MsgPreVote = { type: 'preVote', from: s.id, to, term: s.term + 1, lastIndex: lastIdx, lastTerm: lastT };
    out.push({ type: 'send', message });
  }
}

/**
 * §5.2: increment the term, vote for self, ask everyone else. A lone member wins at once. With
 * PreVote this follows a won pre-vote (etcd-io/raft stepCandidate: VoteWon in StatePreCandidate).
 */
export function campaign(s: RaftState, nowMs: number, out: Effect[]): void {
  const event: RoleEvent = s.role === 'preCandidate' ? 'WIN_PRE_VOTE' : 'ELECTION_TIMEOUT';
  reset(s, s.term + 1, nowMs, out);
  s.votedFor = s.id;
  changeRole(s, event, event === 'WIN_PRE_VOTE' ? 'won pre-vote' : 'election timeout', out);
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
 * The RequestVote receiver (Figure 2; etcd-io/raft Step, case MsgVote, MsgPreVote): grant when we
 * have not voted for someone else in this term and know no leader, or when it is a pre-vote for a
 * future term, and the candidate's log is at least as up-to-date as ours (§5.4.1). A real vote is
 * recorded and resets our election clock (§5.2); a pre-vote changes nothing here. A grant carries
 * the asked-for term, a reject our own.
 */
export function handleVote(s: RaftState, m: MsgVote | MsgPreVote, nowMs: number, out: Effect[]): void {
  const pre = m.type === 'preVote';
  const canVote = s.votedFor === m.from || (s.votedFor === NONE && s.lead === NONE) || (pre && m.term > s.term);
  const grant = canVote && isUpToDate(s.log, m.lastIndex, m.lastTerm);
  if (grant && !pre) {
    s.votedFor = m.from;
    s.electionResetMs = nowMs;
  }
  const term = grant ? m.term : s.term;
  const reply: MsgVoteResp | MsgPreVoteResp = pre
    ? { type: 'preVoteResp', from: s.id, to: m.from, term, reject: !grant }
    : { type: 'voteResp', from: s.id, to: m.from, term, reject: !grant };
  out.push({ type: 'send', message: reply });
}

export function handleVoteResp(s: RaftState, m: MsgVoteResp | MsgPreVoteResp, nowMs: number, out: Effect[]): void {
  if (!s.votes.has(m.from)) s.votes.set(m.from, !m.reject);
  const result = voteResult(s.votes, s.config.memberCount);
  if (result === 'won' && s.role === 'preCandidate') campaign(s, nowMs, out);
  else if (result === 'won') becomeLeader(s, nowMs, out);
  else if (result === 'lost') becomeFollower(s, s.term, NONE, nowMs, 'LOSE_ELECTION', 'lost election', out);
}
