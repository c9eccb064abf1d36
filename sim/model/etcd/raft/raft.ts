import { assert, unreachable, fail } from '../../../engine/assert.ts';
import { mix32, hashString32 } from '../../../engine/hash.ts';
import { becomeFollower, campaign, drawElectionTimeout, electionDeadlineMs, handleVote, handleVoteResp, preCampaign } from './election.ts';
import { lastIndex } from './log.ts';
import { nextUniform } from './rng.ts';
import { quorumSize } from './quorum.ts';
import { ackRead, readIndex } from './read-index.ts';
import {
  appendProposal,
  bcastHeartbeat,
  handleAppend,
  handleAppendResp,
  handleHeartbeat,
  handleHeartbeatResp,
  newProgress,
} from './replication.ts';
import { NONE, type Effect, type Input, type Message, type PersistentState, type RaftConfig, type RaftState } from './types.ts';

/**
 * A Raft member as a step function in the manner of etcd-io/raft (raft.go Step / stepLeader /
 * stepCandidate / stepFollower, rawnode.go): `step(state, input)` returns the state and the
 * effects (messages to send, timers to set or cancel, committed ranges, role changes); the caller
 * carries the effects out. Nothing here reads a clock, a network or a global random generator:
 * time arrives in the input, randomness from the member's own stream inside the state.
 *
 * Like etcd-io/raft's Step, it updates the state it is given in place (copying a log of thousands
 * of entries on every message would make long runs quadratic) and returns it. The outcome is a
 * pure function of (state, input).
 */
export interface StepResult {
  readonly state: RaftState;
  readonly effects: Effect[];
}

export function validateConfig(config: RaftConfig): void {
  if (!(Number.isInteger(config.memberCount) && config.memberCount >= 1 && config.memberCount <= 7)) fail(`Raft supports 1-7 members, got ${config.memberCount}`);
  if (!(config.heartbeatIntervalMs > 0)) fail(`heartbeat interval must be > 0, got ${config.heartbeatIntervalMs}`);
  const et = config.electionTimeoutMs;
  if (!(et.min > 0 && et.max >= et.min)) fail(`bad election timeout range [${et.min}, ${et.max}]`);
  if (!(config.heartbeatIntervalMs < et.min)) fail(`the heartbeat (${config.heartbeatIntervalMs} ms) must be shorter than the election timeout (${et.min} ms)`);
  assert(config.maxEntriesPerAppend >= 1, 'maxEntriesPerAppend must be >= 1');
}

/** The seed of a member's own random stream, from the run's seed and the member's name. */
export function memberRngSeed(seed: number | string, name: string): number {
  return mix32(hashString32(`${seed}/${name}`));
}

/**
 * A member starting (first boot, or restart after a crash with what it persisted): a follower in
 * its persisted term that knows no leader, with its election timer armed.
 */
export function startMember(
  config: RaftConfig,
  id: number,
  rngState: number,
  persisted: PersistentState | null,
  nowMs: number,
): StepResult {
  validateConfig(config);
  if (!(id >= 0 && id < config.memberCount)) fail(`member id ${id} outside [0, ${config.memberCount})`);
  const s: RaftState = {
    id,
    config,
    term: persisted?.term ?? 0,
    votedFor: persisted?.votedFor ?? NONE,
    log: persisted === null ? [] : [...persisted.log],
    commit: persisted?.commit ?? 0,
    role: 'follower',
    lead: NONE,
    electionTimeoutMs: 0,
    electionTicks: 0,
    tickPhaseMs: 0,
    electionResetMs: nowMs,
    votes: new Map(),
    progress: [],
    quorumCheckMs: nowMs,
    pendingReads: [],
    readCtx: 0,
    rngState: rngState >>> 0,
  };
  const effects: Effect[] = [];
  s.tickPhaseMs = Math.floor(config.heartbeatIntervalMs * nextUniform(s));
  // The first draw, as etcd-io/raft newRaft -> becomeFollower -> reset does.
  drawElectionTimeout(s);
  for (let i = 0; i < config.memberCount; i++) s.progress.push(newProgress(lastIndex(s.log) + 1));
  effects.push({ type: 'setTimer', timer: 'election', atMs: electionDeadlineMs(s) });
  checkInvariants(s);
  return { state: s, effects };
}

/** What survives a crash (etcd-io/raft HardState and the stable log). */
export function persistentOf(s: RaftState): PersistentState {
  return { term: s.term, votedFor: s.votedFor, commit: s.commit, log: [...s.log] };
}

export function step(s: RaftState, input: Input): StepResult {
  const out: Effect[] = [];
  switch (input.type) {
    case 'message':
      stepMessage(s, input.message, input.nowMs, out);
      break;
    case 'timeout':
      stepTimeout(s, input.timer, input.nowMs, out);
      break;
    case 'propose':
      if (s.role === 'leader') {
        const index = appendProposal(s, input.data, out);
        // `proposed` goes before any commit effect of the same step (a lone member commits at once).
        const at = out.findIndex((e) => e.type === 'commit');
        const proposed: Effect = { type: 'proposed', requestId: input.requestId, index, term: s.term };
        if (at < 0) out.push(proposed);
        else out.splice(at, 0, proposed);
      } else {
        out.push({ type: 'proposalDropped', requestId: input.requestId, reason: 'not-leader', lead: s.lead });
      }
      break;
    case 'readIndex':
      readIndex(s, input.requestId, out);
      break;
    default:
      unreachable(input, 'raft input');
  }
  checkInvariants(s);
  return { state: s, effects: out };
}

/** etcd-io/raft Step: the term rules common to every role, then the role's own step. */
function stepMessage(s: RaftState, m: Message, nowMs: number, out: Effect[]): void {
  if (!(m.to === s.id)) fail(`member ${s.id} got a message for ${m.to}`);
  if (m.term > s.term) {
    if ((m.type === 'vote' || m.type === 'preVote') && inLease(s, nowMs)) {
      // Heard from a live leader less than an election timeout ago: a disruptive candidate
      // (e.g. one coming back from a partition) does not depose it (thesis §4.2.3).
      return;
    }
    if (m.type === 'preVote') {
      // Never change our term in response to a PreVote (etcd-io/raft Step).
    } else if (m.type === 'preVoteResp' && !m.reject) {
      // A granted pre-vote carries the term we asked for; we take it only by campaigning.
    } else {
      const lead = m.type === 'app' || m.type === 'heartbeat' ? m.from : NONE;
      becomeFollower(s, m.term, lead, nowMs, 'NEW_TERM_OR_LEADER', `term ${m.term} from member ${m.from}`, out);
    }
  } else if (m.term < s.term) {
    // A stale leader learns our term from the answer and steps down (etcd-io/raft Step, with
    // CheckQuorum or PreVote); a stale pre-vote is rejected with our term (so a pre-candidate
    // left behind learns it); other stale messages are dropped.
    if ((s.config.checkQuorum || s.config.preVote) && (m.type === 'app' || m.type === 'heartbeat')) {
      out.push({ type: 'send', message: { type: 'appResp', from: s.id, to: m.from, term: s.term, index: 0, reject: false, rejectHint: 0, logTerm: 0 } });
    } else if (m.type === 'preVote') {
      out.push({ type: 'send', message: { type: 'preVoteResp', from: s.id, to: m.from, term: s.term, reject: true } });
    }
    return;
  }
  switch (s.role) {
    case 'follower':
      stepFollower(s, m, nowMs, out);
      return;
    case 'preCandidate':
    case 'candidate':
      stepCandidate(s, m, nowMs, out);
      return;
    case 'leader':
      stepLeader(s, m, nowMs, out);
      return;
    default:
      unreachable(s.role, 'role');
  }
}

function inLease(s: RaftState, nowMs: number): boolean {
  if (!s.config.checkQuorum || s.lead === NONE) return false;
  if (s.role === 'leader') return true;
  return nowMs - s.electionResetMs < s.config.electionTimeoutMs.min;
}

function stepFollower(s: RaftState, m: Message, nowMs: number, out: Effect[]): void {
  switch (m.type) {
    case 'app':
      s.electionResetMs = nowMs;
      s.lead = m.from;
      handleAppend(s, m, out);
      return;
    case 'heartbeat':
      s.electionResetMs = nowMs;
      s.lead = m.from;
      handleHeartbeat(s, m, out);
      return;
    case 'vote':
    case 'preVote':
      handleVote(s, m, nowMs, out);
      return;
    default:
      return; // stale answers to a role we no longer have
  }
}

function stepCandidate(s: RaftState, m: Message, nowMs: number, out: Effect[]): void {
  switch (m.type) {
    case 'app':
    case 'heartbeat':
      // §5.2: a candidate that hears from a leader of its own term returns to follower.
      becomeFollower(s, m.term, m.from, nowMs, 'NEW_TERM_OR_LEADER', `leader ${m.from} of term ${m.term}`, out);
      stepFollower(s, m, nowMs, out);
      return;
    case 'vote':
    case 'preVote':
      handleVote(s, m, nowMs, out);
      return;
    case 'voteResp':
      // Only answers to our own candidacy count (etcd-io/raft stepCandidate myVoteRespType).
      if (s.role === 'candidate') handleVoteResp(s, m, nowMs, out);
      return;
    case 'preVoteResp':
      if (s.role === 'preCandidate') handleVoteResp(s, m, nowMs, out);
      return;
    default:
      return;
  }
}

function stepLeader(s: RaftState, m: Message, nowMs: number, out: Effect[]): void {
  switch (m.type) {
    case 'appResp':
      handleAppendResp(s, m, nowMs, out);
      return;
    case 'heartbeatResp':
      handleHeartbeatResp(s, m.from, nowMs, out);
      ackRead(s, m.from, m.ctx, out);
      return;
    case 'vote':
    case 'preVote':
      handleVote(s, m, nowMs, out);
      return;
    case 'app':
    case 'heartbeat':
      // Election Safety (§5.2): at most one leader per term.
      if (!(false)) fail(`two leaders in term ${s.term}: members ${s.id} and ${m.from}`);
      return;
    default:
      return;
  }
}

function stepTimeout(s: RaftState, timer: 'election' | 'heartbeat' | 'checkQuorum', nowMs: number, out: Effect[]): void {
  switch (timer) {
    case 'election': {
      if (s.role === 'leader') return;
      // The election clock is reset by every heartbeat without touching the timer (that would
      // cost an event per heartbeat); a timer that fires early re-arms at the real deadline.
      const deadlineMs = electionDeadlineMs(s);
      if (nowMs < deadlineMs) {
        out.push({ type: 'setTimer', timer: 'election', atMs: deadlineMs });
        return;
      }
      // etcd-io/raft Step MsgHup: hup(campaignPreElection) with PreVote, else campaignElection.
      if (s.config.preVote) preCampaign(s, nowMs, out);
      else campaign(s, nowMs, out);
      return;
    }
    case 'heartbeat':
      if (s.role !== 'leader') return;
      bcastHeartbeat(s, 0, out);
      out.push({ type: 'setTimer', timer: 'heartbeat', atMs: nowMs + s.config.heartbeatIntervalMs });
      return;
    case 'checkQuorum': {
      if (s.role !== 'leader') return;
      let active = 0;
      for (let i = 0; i < s.config.memberCount; i++) {
        if (i === s.id || s.progress[i].lastHeardMs >= s.quorumCheckMs) active++;
      }
      if (active < quorumSize(s.config.memberCount)) {
        becomeFollower(s, s.term, NONE, nowMs, 'LOSE_QUORUM', 'check quorum failed', out);
        return;
      }
      s.quorumCheckMs = nowMs;
      out.push({ type: 'setTimer', timer: 'checkQuorum', atMs: nowMs + s.config.electionTimeoutMs.min });
      return;
    }
    default:
      unreachable(timer, 'timer');
  }
}

/** Invariants after every step (etcd-io/raft asserts the same ones in its tests). */
function checkInvariants(s: RaftState): void {
  if (!(s.commit >= 0 && s.commit <= lastIndex(s.log))) fail(`member ${s.id}: commit ${s.commit} outside [0, ${lastIndex(s.log)}]`);
  if (!(s.role !== 'leader' || s.lead === s.id)) fail(`member ${s.id}: a leader must know itself as leader`);
  if (!(s.role !== 'candidate' || s.votedFor === s.id)) fail(`member ${s.id}: a candidate votes for itself`);
  if (s.role === 'leader') {
    for (const pr of s.progress) if (!(pr.match < pr.next)) fail(`member ${s.id}: progress match ${pr.match} >= next ${pr.next}`);
  }
}
