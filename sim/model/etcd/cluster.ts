import { assert, unreachable, fail } from '../../engine/assert.ts';
import type { Range } from '../../engine/random.ts';
import type { EventHandle } from '../../engine/event-queue.ts';
import type { EventKind, Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { Network } from '../network/network.ts';
import { EtcdMetrics, type EtcdReport } from './metrics.ts';
import { Quiescence } from './quiescence.ts';
import { FastRequests } from './fast-requests.ts';
import { bcastAppend } from './raft/replication.ts';
import { lastIndex } from './raft/log.ts';
import { quorumSize } from './raft/quorum.ts';
import { memberRngSeed, persistentOf, startMember, step } from './raft/raft.ts';
import type { Effect, Entry, Input, Message, PersistentState, RaftConfig, RaftState, Role, TimerKind } from './raft/types.ts';
import { KvStore, type WriteOp, type WriteResult } from './store.ts';
import type { ClusterPort, KvAnswer, KvRequestWire, KvResponseWire, MemberSlot } from './cluster-port.ts';
import { Lessor } from './lessor.ts';

export type { KvAnswer, KvRequestWire, KvResponseWire, MemberSlot } from './cluster-port.ts';

/**
 * An etcd cluster: N Raft members (raft/) run on the Simulation, talking through the Network;
 * members crash and restart (keeping what Raft persists); clients' requests (kv.ts) are proposed
 * or read at the member they reach. The cluster carries out the effects of the pure Raft core,
 * applies committed entries to the replicated store, keeps the report's metrics and emits trace
 * events:
 *
 *   etcd.election {term}          a member became candidate (subject: member)
 *   etcd.leader {term}            a member became leader
 *   etcd.stepdown {term, reason}  a leader became follower
 *   etcd.crash / etcd.restart     a member process stopped / started
 *   etcd.quorum {live}            the live connected majority was lost (live=false) or regained
 *
 * Under fidelity `fast`, a healthy, idle cluster stops simulating its heartbeats (quiescence.ts)
 * and resumes, in exactly the state the full run would have, at the first change.
 *
 * Over 400 lines, knowingly: it carries out every effect of the Raft core (messages, timers,
 * commits, role changes) against the request waiters and the store, which are one state; the
 * shortcuts that read it are apart (quiescence.ts, fast-requests.ts, through cluster-port.ts).
 */
export type Fidelity = 'fast' | 'full';

export interface EtcdClusterOptions {
  readonly memberCount: number;
  /** Network endpoint id per member (the cluster attaches them). */
  readonly endpoints: readonly number[];
  /** Zone per member. */
  readonly zones: readonly string[];
  readonly heartbeatIntervalMs: number;
  /** Each member draws its election timeout in [min, max) (etcd: [et, 2et)). */
  readonly electionTimeoutMs: Range;
  readonly fidelity: Fidelity;
  /** etcd runs with CheckQuorum on; default true. */
  readonly checkQuorum?: boolean;
  /** etcd runs with PreVote on (server/embed/config.go NewConfig: `PreVote: true`); default true. */
  readonly preVote?: boolean;
  readonly maxEntriesPerAppend?: number;
  /**
   * When true (the default), metrics start at the first leader: a scenario's cluster has been up
   * a while (like `coldStart: false`), so its bootstrap election is not an outage.
   */
  readonly metricsFromFirstLeader?: boolean;
  /** Prefix of event kinds and random streams; default "etcd". */
  readonly name?: string;
  /**
   * Under fidelity `fast`: serve client requests that reach the leader of a quiescent cluster
   * in closed form (fast-requests.ts), one event each instead of the Raft exchange. Default
   * false (Raft studies and the quiescence comparisons keep every message).
   */
  readonly fastRequests?: boolean;
}

/** What the KV layer needs to know about a request waiting at a member. */
interface Waiter {
  readonly wire: KvRequestWire;
  readonly member: number;
  /** Log index of the proposal once appended; 0 before (or for reads). */
  index: number;
}

export type CommitHook = (member: number, index: number, entry: Entry, nowMs: number) => void;

const TIMER_KINDS: readonly TimerKind[] = ['election', 'heartbeat', 'checkQuorum'];
const WAITERS_MAX = 1_000_000;

export class EtcdCluster implements ClusterPort {
  readonly store = new KvStore();
  readonly metrics: EtcdMetrics;
  readonly members: MemberSlot[] = [];
  readonly config: RaftConfig;
  readonly fidelity: Fidelity;
  readonly name: string;
  private readonly timerKind: EventKind;
  private readonly waiters = new Map<number, Waiter>();
  /** Results of applied proposals, by request id, that a waiter picks up when its member commits them. */
  private readonly results = new Map<number, WriteResult | null>();
  /** Term of every committed index: the State Machine Safety check. */
  private readonly committedTerms: number[] = [0];
  private readonly commitHooks: CommitHook[] = [];
  private readonly roleHooks: ((member: number, from: Role, to: Role, term: number) => void)[] = [];
  private readonly quiescence: Quiescence;
  /** The healthy-cluster request shortcut; null unless enabled (fast fidelity only). */
  readonly fast: FastRequests | null;
  readonly lessor: Lessor;
  /** KV clients' timeout handlers, by client index (kv.ts). */
  private readonly clientTimeouts: ((attemptId: number) => void)[] = [];
  private readonly clientTimeoutKind: EventKind;
  private leaderNow = -1;
  private liveMajority = true;
  private metricsOn: boolean;
  private nextRequestIdValue = 1;

  constructor(
    readonly sim: Simulation,
    readonly network: Network,
    readonly trace: Trace,
    seed: number | string,
    options: EtcdClusterOptions,
  ) {
    const n = options.memberCount;
    if (!(options.endpoints.length === n)) fail(`etcd: ${options.endpoints.length} endpoints for ${n} members`);
    if (!(options.zones.length === n)) fail(`etcd: ${options.zones.length} zones for ${n} members`);
    this.name = options.name ?? 'etcd';
    this.fidelity = options.fidelity;
    this.config = {
      memberCount: n,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      electionTimeoutMs: options.electionTimeoutMs,
      checkQuorum: options.checkQuorum ?? true,
      preVote: options.preVote ?? true,
      maxEntriesPerAppend: options.maxEntriesPerAppend ?? 64,
    };
    this.metrics = new EtcdMetrics(n);
    this.metricsOn = !(options.metricsFromFirstLeader ?? true);
    this.timerKind = sim.register(`${this.name}.timer`, (target) => this.onTimer(target));
    this.clientTimeoutKind = sim.register(`${this.name}.client-timeout`, (client, attemptId) => this.clientTimeouts[client](attemptId));
    this.quiescence = new Quiescence(this);
    this.fast = options.fastRequests === true && this.fidelity === 'fast' ? new FastRequests(this) : null;
    this.lessor = new Lessor(this);
    for (let id = 0; id < n; id++) {
      const endpoint = options.endpoints[id];
      const member: MemberSlot = {
        id,
        endpoint,
        state: null,
        persisted: null,
        rngState: memberRngSeed(seed, `${this.name}.member.${id}`),
        timers: [0, 0, 0],
      };
      this.members.push(member);
      network.attach(endpoint, options.zones[id], (from, message) => this.onDeliver(id, from, message));
    }
    network.onBeforeChange((nowMs) => this.quiescence.thaw(nowMs));
    network.onAfterChange((nowMs) => this.updateLiveness(nowMs));
    this.store.observe((key, kv, nowMs) => this.lessor.onWrite(key, kv, nowMs));
    for (const member of this.members) this.boot(member);
    if (this.metricsOn) {
      this.metrics.setLeaderless(sim.now, true);
      this.refreshQuorum(sim.now);
    }
  }

  // --- observation ---

  /** The member that leads now (the live leader of the highest term), or -1. */
  leader(): number {
    return this.leaderNow;
  }

  role(member: number): Role | 'down' {
    return this.members[member].state?.role ?? 'down';
  }

  term(member: number): number {
    const m = this.members[member];
    return m.state?.term ?? m.persisted?.term ?? 0;
  }

  isUp(member: number): boolean {
    return this.members[member].state !== null;
  }

  /** The live Raft state of a member (read-only use: tests, the web UI). */
  raftState(member: number): RaftState | null {
    return this.members[member].state;
  }

  /** True while the quiescence shortcut holds the cluster (no heartbeat events). */
  get quiescent(): boolean {
    return this.quiescence.frozen;
  }

  get hasLiveMajority(): boolean {
    return this.liveMajority;
  }

  /** Called for every entry every member commits (checkers hook here). */
  onCommit(hook: CommitHook): void {
    this.commitHooks.push(hook);
  }

  onRoleChange(hook: (member: number, from: Role, to: Role, term: number) => void): void {
    this.roleHooks.push(hook);
  }

  /**
   * Brings a quiescent cluster's skipped bookkeeping (message counters, election clocks) up to
   * now; it freezes again at its next quiet moment. Observable behaviour does not change.
   */
  catchUp(): void {
    this.quiescence.thaw(this.sim.now);
  }

  /** Freezes and thaws of the quiescence shortcut so far. */
  get quiescenceCounts(): { freezes: number; thaws: number } {
    return { freezes: this.quiescence.freezes, thaws: this.quiescence.thaws };
  }

  report(): EtcdReport {
    return this.metrics.report(this.sim.now);
  }

  nextRequestId(): number {
    return this.nextRequestIdValue++;
  }

  /** A KV client's timeout handler gets an index; its timeouts are numeric events (no closure). */
  registerClient(onTimeout: (attemptId: number) => void): number {
    this.clientTimeouts.push(onTimeout);
    return this.clientTimeouts.length - 1;
  }

  scheduleClientTimeout(delayMs: number, client: number, attemptId: number): EventHandle {
    // Timeouts run a fixed delay after their request and are nearly always cancelled by the
    // answer: the queue's FIFO lane holds them without heap work.
    return this.sim.scheduleAfterFifo(delayMs, this.clientTimeoutKind, client, attemptId);
  }

  // --- faults ---

  /** The member's process stops: volatile state is lost, persisted state kept. */
  crash(member: number): void {
    const m = this.members[member];
    if (m.state === null) return;
    this.quiescence.thaw(this.sim.now);
    m.persisted = persistentOf(m.state);
    m.rngState = m.state.rngState;
    m.state = null;
    for (let k = 0; k < TIMER_KINDS.length; k++) this.cancelTimer(m, k);
    // Clients connected to the process see their connection reset.
    for (const [requestId, waiter] of [...this.waiters]) {
      if (waiter.member !== member) continue;
      this.waiters.delete(requestId);
      this.results.delete(requestId);
      this.replyDirect(waiter, { ok: false, reason: 'connection-lost', definite: false, leaderHint: -1 });
    }
    this.trace.emit(this.sim.now, `${this.name}.crash`, member);
    this.updateLiveness(this.sim.now);
  }

  restart(member: number): void {
    const m = this.members[member];
    if (m.state !== null) return;
    this.quiescence.thaw(this.sim.now);
    this.trace.emit(this.sim.now, `${this.name}.restart`, member);
    this.boot(m);
    this.updateLiveness(this.sim.now);
  }

  /** Partitions the members (by member id) through the network; null heals. */
  partitionMembers(sides: readonly (readonly number[])[] | null): void {
    this.network.setPartition(sides === null ? null : sides.map((side) => side.map((id) => this.members[id].endpoint)));
  }

  // --- client requests (kv.ts) ---

  /** A client request reached member `member` (over the network, or directly). */
  receiveRequest(member: number, wire: KvRequestWire): void {
    const m = this.members[member];
    if (m.state === null) return; // a dead process: the client times out
    if (this.fast !== null && this.fast.serve(member, wire)) return;
    this.quiescence.thaw(this.sim.now);
    if (!(this.waiters.size < WAITERS_MAX)) fail(`etcd: more than ${WAITERS_MAX} requests waiting`);
    if (this.waiters.has(wire.requestId)) fail(`etcd: request ${wire.requestId} received twice`);
    this.waiters.set(wire.requestId, { wire, member, index: 0 });
    const nowMs = this.sim.now;
    if (wire.op.op === 'get') this.stepMember(m, { type: 'readIndex', nowMs, requestId: wire.requestId });
    else this.stepMember(m, { type: 'propose', nowMs, data: { requestId: wire.requestId, op: wire.op }, requestId: wire.requestId });
    this.afterEvent();
  }

  /** The lessor's revoke proposals: made at the leader, with no client waiting. */
  proposeInternal(op: WriteOp): boolean {
    const lead = this.leaderNow;
    if (lead < 0) return false;
    this.quiescence.thaw(this.sim.now);
    const requestId = this.nextRequestId();
    this.stepMember(this.members[lead], { type: 'propose', nowMs: this.sim.now, data: { requestId, op }, requestId });
    this.afterEvent();
    return true;
  }

  // --- internals shared with quiescence.ts and fast-requests.ts ---

  /** After a thaw: fast requests still on their way continue through Raft. */
  afterThaw(): void {
    this.fast?.materialize();
  }

  /** A fast write whose entry is at `index` of the leader's log now waits like a proposal. */
  adoptProposal(leader: number, wire: KvRequestWire, index: number): void {
    if (this.waiters.has(wire.requestId)) fail(`etcd: request ${wire.requestId} adopted twice`);
    this.waiters.set(wire.requestId, { wire, member: leader, index });
  }

  /** The leader sends every follower what it lacks (etcd-io/raft bcastAppend). */
  replicateNow(leader: number): void {
    const m = this.members[leader];
    assert(m.state !== null && m.state.role === 'leader', 'etcd: replicateNow needs the leader');
    const out: Effect[] = [];
    bcastAppend(m.state, out);
    this.carryOut(m, out);
  }

  /** A fast read starts its ReadIndex round now. */
  adoptRead(leader: number, wire: KvRequestWire): void {
    if (this.waiters.has(wire.requestId)) fail(`etcd: request ${wire.requestId} adopted twice`);
    this.waiters.set(wire.requestId, { wire, member: leader, index: 0 });
    this.stepMember(this.members[leader], { type: 'readIndex', nowMs: this.sim.now, requestId: wire.requestId });
  }

  /**
   * A fast write commits on every member at once: the State Machine Safety record, the store
   * and the commit hooks, as onCommitted does for an entry committed through Raft.
   */
  applyFastCommit(leader: number, index: number, entry: Entry, op: WriteOp, nowMs: number): WriteResult {
    if (index !== this.committedTerms.length) fail(`etcd: fast commit at ${index}, next index is ${this.committedTerms.length}`);
    this.committedTerms.push(entry.term);
    const result = this.store.apply(index, op, nowMs);
    assert(result !== null, 'etcd: a client write applied without a result');
    for (const hook of this.commitHooks) hook(leader, index, entry, nowMs);
    for (const m of this.members) {
      if (m.id === leader) continue;
      for (const hook of this.commitHooks) hook(m.id, index, entry, nowMs);
    }
    return result;
  }

  /** Answers a request received by `member` (over the network, or directly). */
  respond(member: number, wire: KvRequestWire, answer: KvAnswer): void {
    const response: KvResponseWire = { type: 'kvResponse', requestId: wire.requestId, member, answer };
    if (wire.clientEndpoint < 0) this.sim.callAfter(0, () => wire.reply(response));
    else this.network.send(this.members[member].endpoint, wire.clientEndpoint, response);
  }

  setTimer(m: MemberSlot, timer: TimerKind, atMs: number): void {
    const k = TIMER_KINDS.indexOf(timer);
    const handle = m.timers[k];
    if (this.sim.isPending(handle)) {
      if (this.sim.timeOf(handle) === atMs) return;
      this.sim.cancel(handle);
    }
    m.timers[k] = this.sim.scheduleAt(atMs, this.timerKind, m.id * TIMER_KINDS.length + k, 0);
  }

  cancelTimer(m: MemberSlot, k: number): void {
    this.sim.cancel(m.timers[k]);
    m.timers[k] = 0;
  }

  timerTime(m: MemberSlot, timer: TimerKind): number {
    return this.sim.timeOf(m.timers[TIMER_KINDS.indexOf(timer)]);
  }

  // --- event handling ---

  private boot(m: MemberSlot): void {
    const { state, effects } = startMember(this.config, m.id, m.rngState, m.persisted, this.sim.now);
    m.state = state;
    m.persisted = null;
    this.carryOut(m, effects);
  }

  private onTimer(target: number): void {
    const member = Math.floor(target / TIMER_KINDS.length);
    const k = target % TIMER_KINDS.length;
    const m = this.members[member];
    m.timers[k] = 0;
    if (m.state === null) return;
    this.stepMember(m, { type: 'timeout', nowMs: this.sim.now, timer: TIMER_KINDS[k] });
    this.afterEvent();
  }

  private onDeliver(member: number, _from: number, message: unknown): void {
    const m = this.members[member];
    if (m.state === null) {
      // Dropped by a dead process; the last heartbeat to it landing may let the cluster freeze.
      this.afterEvent();
      return;
    }
    const wire = message as { type: string };
    if (wire.type === 'kvRequest') {
      this.receiveRequest(member, message as KvRequestWire);
      return;
    }
    this.quiescence.thaw(this.sim.now);
    this.stepMember(m, { type: 'message', nowMs: this.sim.now, message: message as Message });
    this.afterEvent();
  }

  private afterEvent(): void {
    if (this.fidelity === 'fast') this.quiescence.tryFreeze(this.sim.now);
  }

  private stepMember(m: MemberSlot, input: Input): void {
    if (!(m.state !== null)) fail(`etcd: stepping member ${m.id} while it is down`);
    const { effects } = step(m.state, input);
    this.carryOut(m, effects);
  }

  private carryOut(m: MemberSlot, effects: readonly Effect[]): void {
    const nowMs = this.sim.now;
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          this.network.send(m.endpoint, this.members[effect.message.to].endpoint, effect.message);
          break;
        case 'setTimer':
          this.setTimer(m, effect.timer, effect.atMs);
          break;
        case 'cancelTimer':
          this.cancelTimer(m, TIMER_KINDS.indexOf(effect.timer));
          break;
        case 'commit':
          this.onCommitted(m, effect.fromIndex, effect.toIndex, nowMs);
          break;
        case 'role':
          this.onRole(m, effect.from, effect.to, effect.term, effect.reason, nowMs);
          break;
        case 'proposed': {
          const waiter = this.waiters.get(effect.requestId);
          if (waiter !== undefined) waiter.index = effect.index;
          break;
        }
        case 'proposalDropped':
        case 'readDropped':
          this.answer(effect.requestId, { ok: false, reason: effect.reason, definite: true, leaderHint: effect.lead });
          break;
        case 'readReady': {
          if (!(this.store.appliedIndex >= effect.index)) fail(`etcd: read at ${effect.index} before apply (${this.store.appliedIndex})`);
          const waiter = this.waiters.get(effect.requestId);
          if (waiter !== undefined && waiter.wire.op.op === 'get') {
            this.answer(effect.requestId, { ok: true, kind: 'read', revision: this.store.revision, kv: this.store.get(waiter.wire.op.key) });
          }
          break;
        }
        default:
          unreachable(effect, 'raft effect');
      }
    }
  }

  private onCommitted(m: MemberSlot, fromIndex: number, toIndex: number, nowMs: number): void {
    const log = m.state!.log;
    for (let index = fromIndex + 1; index <= toIndex; index++) {
      const entry = log[index - 1];
      if (index < this.committedTerms.length) {
        // State Machine Safety (§5.4.3): every member commits the same entry at an index.
        if (!(this.committedTerms[index] === entry.term)) fail(`member ${m.id} committed term ${entry.term} at ${index}, another member term ${this.committedTerms[index]}`);
      } else {
        if (!(index === this.committedTerms.length)) fail(`etcd: commit skipped from ${this.committedTerms.length - 1} to ${index}`);
        this.committedTerms.push(entry.term);
        const data = entry.data as { requestId: number; op: WriteOp } | null;
        const result = this.store.apply(index, data === null ? null : data.op, nowMs);
        if (data !== null && this.waiters.has(data.requestId)) this.results.set(data.requestId, result);
      }
      for (const hook of this.commitHooks) hook(m.id, index, entry, nowMs);
    }
    // Proposals waiting at this member learn their fate.
    for (const [requestId, waiter] of [...this.waiters]) {
      if (waiter.member !== m.id || waiter.index === 0 || waiter.index > toIndex) continue;
      const data = log[waiter.index - 1].data as { requestId: number } | null;
      if (data !== null && data.requestId === requestId) {
        const result = this.results.get(requestId);
        if (!(result !== undefined && result !== null)) fail(`etcd: no result for request ${requestId} at ${waiter.index}`);
        this.results.delete(requestId);
        this.answer(requestId, { ok: true, kind: 'write', result });
      } else {
        // Another leader's entry took the index: the proposal is lost for good.
        this.answer(requestId, { ok: false, reason: 'proposal-lost', definite: true, leaderHint: m.state!.lead });
      }
    }
  }

  private onRole(m: MemberSlot, from: Role, to: Role, term: number, reason: string, nowMs: number): void {
    for (const hook of this.roleHooks) hook(m.id, from, to, term);
    if (to === 'candidate') {
      if (this.metricsOn) this.metrics.elections++;
      this.trace.emit(nowMs, `${this.name}.election`, m.id, { term });
    } else if (to === 'leader') {
      this.trace.emit(nowMs, `${this.name}.leader`, m.id, { term });
    } else if (from === 'leader') {
      this.trace.emit(nowMs, `${this.name}.stepdown`, m.id, { term, reason });
    }
    if (from === 'leader' || to === 'leader') this.updateLeader(nowMs);
  }

  /** Recomputes the leader (the live leader of the highest term) and the leaderless metric. */
  private updateLeader(nowMs: number): void {
    let best = -1;
    for (const m of this.members) {
      if (m.state === null || m.state.role !== 'leader') continue;
      if (best < 0 || m.state.term > this.members[best].state!.term) best = m.id;
    }
    if (best === this.leaderNow) return;
    const previous = this.leaderNow;
    this.leaderNow = best;
    if (best >= 0 && !this.metricsOn) {
      // The bootstrap election is over: metrics start now, the first leader is no "change".
      this.metricsOn = true;
      this.refreshQuorum(nowMs);
      this.metrics.setLeaderless(nowMs, false);
      this.lessor.promote(nowMs, this.config.electionTimeoutMs.min);
      return;
    }
    if (!this.metricsOn) return;
    if (best >= 0 && best !== previous) this.metrics.leaderChanges++;
    this.metrics.setLeaderless(nowMs, best < 0);
    if (best >= 0) this.lessor.promote(nowMs, this.config.electionTimeoutMs.min);
  }

  /** After crashes, restarts and partitions: the leader and "a live, connected majority exists". */
  private updateLiveness(nowMs: number): void {
    this.updateLeader(nowMs);
    if (this.metricsOn) this.refreshQuorum(nowMs);
  }

  private refreshQuorum(nowMs: number): void {
    let largest = 0;
    for (const a of this.members) {
      if (a.state === null) continue;
      let group = 0;
      for (const b of this.members) if (b.state !== null && this.network.connected(a.endpoint, b.endpoint)) group++;
      largest = Math.max(largest, group);
    }
    const live = largest >= quorumSize(this.config.memberCount);
    if (live !== this.liveMajority) {
      this.liveMajority = live;
      this.trace.emit(nowMs, `${this.name}.quorum`, 0, { live });
    }
    this.metrics.setQuorumLost(nowMs, !live);
  }

  private answer(requestId: number, answer: KvAnswer): void {
    const waiter = this.waiters.get(requestId);
    if (waiter === undefined) return;
    this.waiters.delete(requestId);
    this.respond(waiter.member, waiter.wire, answer);
  }

  private replyDirect(waiter: Waiter, answer: KvAnswer): void {
    const response: KvResponseWire = { type: 'kvResponse', requestId: waiter.wire.requestId, member: waiter.member, answer };
    this.sim.callAfter(0, () => waiter.wire.reply(response));
  }

  /** For quiescence.ts: every member's last index and commit equal, nothing waiting. */
  isIdleAt(leader: RaftState): boolean {
    if (this.waiters.size > 0 || leader.pendingReads.length > 0) return false;
    const last = lastIndex(leader.log);
    return leader.commit === last;
  }
}
