import type { Range } from '../../../engine/random.ts';

/**
 * Types of the Raft core. Members are numbered 0..n-1 (their position in the cluster); the
 * caller maps them to network endpoints. Times are simulated ms handed in with every input: the
 * core never reads a clock (etcd-io/raft counts logical ticks; we pass the time of the event).
 */
export type MemberId = number;
export const NONE: MemberId = -1;

/** etcd-io/raft StateType: StateFollower, StatePreCandidate (with PreVote), StateCandidate, StateLeader. */
export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** A log entry; its index is its position (1-based) in the log. `data` is opaque to Raft. */
export interface Entry {
  readonly term: number;
  readonly data: unknown;
}

export interface RaftConfig {
  /** Members in the cluster (1-7). */
  readonly memberCount: number;
  readonly heartbeatIntervalMs: number;
  /**
   * Each follower or candidate draws its election timeout on every role change in whole ticks
   * (a tick is the heartbeat interval, as etcd's --heartbeat-interval is its TickMs):
   * etcd-io/raft resetRandomizedElectionTimeout draws electionTimeout + Intn(electionTimeout)
   * ticks, i.e. [et, 2et). Here: ticks in [round(min/tick), round(max/tick)). min == max removes
   * the randomness (the split-vote experiment of the Raft paper, §9.3).
   */
  readonly electionTimeoutMs: Range;
  /**
   * PreVote (etcd-io/raft Config.PreVote; on in etcd: server/embed/config.go NewConfig sets
   * `PreVote: true`): a member whose election timeout elapses first asks for pre-votes for
   * term+1 without changing its term, and campaigns for real only with a majority of pre-votes.
   * A member cut off by a partition therefore does not raise its term, and rejoining does not
   * depose the leader.
   */
  readonly preVote: boolean;
  /**
   * CheckQuorum (etcd-io/raft Config.CheckQuorum, on in etcd): a leader that has not heard from a
   * majority within an election timeout (`electionTimeoutMs.min`) steps down, and a member that
   * heard from a leader within that time ignores vote requests (the leader lease, thesis §4.2.3).
   */
  readonly checkQuorum: boolean;
  /** Entries per MsgApp (etcd-io/raft Config.MaxSizePerMsg, in entries). */
  readonly maxEntriesPerAppend: number;
}

// --- messages (etcd-io/raft raftpb.MessageType, the subset Raft needs) ---

export interface MsgVote {
  readonly type: 'vote';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  readonly lastIndex: number;
  readonly lastTerm: number;
}
export interface MsgVoteResp {
  readonly type: 'voteResp';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  readonly reject: boolean;
}
/** etcd-io/raft MsgPreVote: sent for term+1 while the sender's own term stays. */
export interface MsgPreVote {
  readonly type: 'preVote';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  readonly lastIndex: number;
  readonly lastTerm: number;
}
/** etcd-io/raft MsgPreVoteResp: a grant carries the asked-for term, a reject the voter's own. */
export interface MsgPreVoteResp {
  readonly type: 'preVoteResp';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  readonly reject: boolean;
}
export interface MsgApp {
  readonly type: 'app';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  /** Index and term of the entry just before `entries` (the consistency check, §5.3). */
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}
export interface MsgAppResp {
  readonly type: 'appResp';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  /** On success, the follower's last index matching the leader; on reject, the rejected index. */
  readonly index: number;
  readonly reject: boolean;
  /** On reject: the follower's guess of where the logs may agree (etcd-io/raft RejectHint, LogTerm). */
  readonly rejectHint: number;
  readonly logTerm: number;
}
export interface MsgHeartbeat {
  readonly type: 'heartbeat';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  readonly commit: number;
  /** ReadIndex round this heartbeat confirms leadership for; 0 for a plain heartbeat. */
  readonly ctx: number;
}
export interface MsgHeartbeatResp {
  readonly type: 'heartbeatResp';
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
  readonly ctx: number;
}
export type Message = MsgVote | MsgVoteResp | MsgPreVote | MsgPreVoteResp | MsgApp | MsgAppResp | MsgHeartbeat | MsgHeartbeatResp;

// --- inputs ---

export type TimerKind = 'election' | 'heartbeat' | 'checkQuorum';

export type Input =
  | { readonly type: 'message'; readonly nowMs: number; readonly message: Message }
  | { readonly type: 'timeout'; readonly nowMs: number; readonly timer: TimerKind }
  /** A client proposal (etcd-io/raft MsgProp); `requestId` comes back in the effects. */
  | { readonly type: 'propose'; readonly nowMs: number; readonly data: unknown; readonly requestId: number }
  /** A linearizable read (etcd-io/raft MsgReadIndex). */
  | { readonly type: 'readIndex'; readonly nowMs: number; readonly requestId: number };

// --- effects (what etcd-io/raft hands back in a Ready) ---

export type Effect =
  | { readonly type: 'send'; readonly message: Message }
  /** Sets (or moves) the member's timer of this kind to fire at `atMs`. */
  | { readonly type: 'setTimer'; readonly timer: TimerKind; readonly atMs: number }
  | { readonly type: 'cancelTimer'; readonly timer: TimerKind }
  /** The commit index advanced: entries (fromIndex, toIndex] are committed on this member. */
  | { readonly type: 'commit'; readonly fromIndex: number; readonly toIndex: number }
  | { readonly type: 'role'; readonly from: Role; readonly to: Role; readonly term: number; readonly reason: string }
  /** A proposal was appended at (index, term) on the leader; it commits later, or is lost. */
  | { readonly type: 'proposed'; readonly requestId: number; readonly index: number; readonly term: number }
  | { readonly type: 'proposalDropped'; readonly requestId: number; readonly reason: string; readonly lead: MemberId }
  /** A read may be served once the state machine has applied `index`. */
  | { readonly type: 'readReady'; readonly requestId: number; readonly index: number }
  | { readonly type: 'readDropped'; readonly requestId: number; readonly reason: string; readonly lead: MemberId };

/** What a member keeps on disk (etcd-io/raft HardState {Term, Vote, Commit} plus the log). */
export interface PersistentState {
  readonly term: number;
  readonly votedFor: MemberId;
  readonly commit: number;
  readonly log: readonly Entry[];
}

/** The leader's view of one follower (etcd-io/raft tracker/progress.go). */
export interface Progress {
  /** Invariant: 0 <= match < next. */
  match: number;
  next: number;
  /** probe: one MsgApp at a time until the follower's position is known; replicate: stream. */
  state: 'probe' | 'replicate';
  /** In probe state, a MsgApp is outstanding (etcd-io/raft MsgAppFlowPaused). */
  paused: boolean;
  /** Time the leader last heard from this member (for CheckQuorum). */
  lastHeardMs: number;
}

export interface PendingRead {
  readonly requestId: number;
  readonly index: number;
  readonly ctx: number;
  readonly acks: Set<MemberId>;
}

export interface RaftState {
  readonly id: MemberId;
  readonly config: RaftConfig;
  // Persistent (survives a crash).
  term: number;
  votedFor: MemberId;
  log: Entry[];
  commit: number;
  // Volatile.
  role: Role;
  lead: MemberId;
  /** The randomized timeout drawn at the last role change: whole ticks (heartbeat intervals) in [et, 2et). */
  electionTimeoutMs: number;
  /** The same in ticks; 0 when the range is narrower than a tick and taken as written, in ms. */
  electionTicks: number;
  /**
   * Phase of the member's own ticker in [0, tick): etcd-io/raft counts ticks of a local clock
   * (tickElection), so the timeout elapses at a tick of this member, whatever the moment its
   * election clock was reset. Drawn once when the member starts.
   */
  tickPhaseMs: number;
  /** When the election clock was last reset (heard from the leader, granted a vote, campaigned). */
  electionResetMs: number;
  votes: Map<MemberId, boolean>;
  progress: Progress[];
  /** Leader: time of the last CheckQuorum (or of becoming leader). */
  quorumCheckMs: number;
  pendingReads: PendingRead[];
  readCtx: number;
  /** The member's own random stream (mulberry32 state); not part of Raft's persistent state. */
  rngState: number;
}
