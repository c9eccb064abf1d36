import type { EventHandle } from '../../engine/event-queue.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Network } from '../network/network.ts';
import type { Entry, PersistentState, RaftConfig, RaftState, TimerKind } from './raft/types.ts';
import type { KeyValue, KvStore, WriteOp, WriteResult } from './store.ts';

/**
 * What the cluster's two shortcuts (quiescence.ts, fast-requests.ts) may see and ask of the
 * cluster: a port, so that they depend on this small interface and the cluster on them, with no
 * import cycle between the three files (test/import-cycles.test.ts). EtcdCluster implements it.
 */
export interface ClusterPort {
  readonly sim: Simulation;
  readonly network: Network;
  readonly config: RaftConfig;
  readonly name: string;
  readonly members: readonly MemberSlot[];
  readonly store: KvStore;
  /** True while the quiescence shortcut holds the cluster. */
  readonly quiescent: boolean;
  /** The member that leads now, or -1. */
  leader(): number;
  /** No request waiting, no read pending, everything committed at the leader. */
  isIdleAt(leader: RaftState): boolean;
  setTimer(m: MemberSlot, timer: TimerKind, atMs: number): void;
  cancelTimer(m: MemberSlot, k: number): void;
  timerTime(m: MemberSlot, timer: TimerKind): number;
  /** After a thaw: fast requests still on their way continue through Raft. */
  afterThaw(): void;
  /** A fast write whose entry is at `index` of the leader's log now waits like a proposal. */
  adoptProposal(leader: number, wire: KvRequestWire, index: number): void;
  /** A fast read starts its ReadIndex round now. */
  adoptRead(leader: number, wire: KvRequestWire): void;
  /** The leader sends every follower what it lacks (etcd-io/raft bcastAppend). */
  replicateNow(leader: number): void;
  /** A fast write commits on every member at once. */
  applyFastCommit(leader: number, index: number, entry: Entry, op: WriteOp, nowMs: number): WriteResult;
  /** Answers a request received by `member`. */
  respond(member: number, wire: KvRequestWire, answer: KvAnswer): void;
}

/** A client request as it travels to a member (kv.ts builds them). */
export interface KvRequestWire {
  readonly type: 'kvRequest';
  readonly requestId: number;
  readonly op: WriteOp | { readonly op: 'get'; readonly key: string };
  /** Where the answer goes: a network endpoint, or -1 to call `reply` directly. */
  readonly clientEndpoint: number;
  readonly reply: (response: KvResponseWire) => void;
}

export type KvAnswer =
  | { readonly ok: true; readonly kind: 'write'; readonly result: WriteResult }
  | { readonly ok: true; readonly kind: 'read'; readonly revision: number; readonly kv: KeyValue | null }
  /**
   * `definite`: the request certainly did not take effect (not appended at a leader), so a retry
   * is safe; otherwise its outcome is unknown (the entry may still commit).
   */
  | { readonly ok: false; readonly reason: string; readonly definite: boolean; readonly leaderHint: number };

export interface KvResponseWire {
  readonly type: 'kvResponse';
  readonly requestId: number;
  readonly member: number;
  readonly answer: KvAnswer;
}

export interface MemberSlot {
  readonly id: number;
  readonly endpoint: number;
  state: RaftState | null;
  persisted: PersistentState | null;
  /** The member process's random stream, continued across restarts. */
  rngState: number;
  readonly timers: EventHandle[];
}
