import { assert, fail } from '../../engine/assert.ts';
import { NO_EVENT, type EventHandle } from '../../engine/event-queue.ts';
import type { EventKind } from '../../engine/simulation.ts';
import type { ClusterPort, KvRequestWire } from './cluster-port.ts';
import { termAt } from './raft/log.ts';
import { appendOwn } from './raft/replication.ts';
import { commitSettled, nextReadCtx } from './raft/settled.ts';
import { quorumSize } from './raft/quorum.ts';
import type { RaftState } from './raft/types.ts';
import type { WriteOp } from './store.ts';

/**
 * The healthy-cluster fast path for client requests (fast fidelity, docs/sources.md "Shortcuts"): while
 * the cluster is quiescent (quiescence.ts: a stable leader, every member up, connected and caught
 * up, no loss, no spike, nothing in flight), a request that reaches the leader is served in
 * closed form instead of message by message.
 *
 * What the full run does with a write at the leader at t0 (etcd-io/raft raft.go stepLeader,
 * MsgProp; our raft/replication.ts): append, MsgApp to every follower, each follower appends and
 * answers MsgAppResp; the leader commits when a quorum holds the entry (§5.4.2: itself plus the
 * (q-1)-th fastest follower), applies it, answers the client, and broadcasts the new commit
 * index (bcastAppend after maybeCommit), which the followers answer again. A ReadIndex read
 * (raft/read-index.ts, read_only.go) is a heartbeat round with a context: ready when a quorum
 * acknowledged it. So the commit (or read-ready) time is
 *
 *   t0 + the (q-1)-th smallest of (latency leader->f + latency f->leader) over followers f,
 *
 * with the latencies drawn from the network's counter-based per-link function
 * (network/link-random.ts) at sequence numbers of their own (FAST_SEQUENCE_BASE + n, never used
 * by real messages), and commits kept in index order. One event per request replaces the ~10-20
 * message deliveries and timer events of the full exchange; the request still reaches the
 * leader and its answer still reaches the client as network messages.
 *
 * At the commit event every member gets the entry and the commit index at once (the full run:
 * at the MsgApp arrivals a few ms apart), the store applies it, the commit hooks run for every
 * member, and the link counters account for the 4 messages per follower the full run sends
 * (2 for a read). The heartbeats of the frozen cluster are unaffected (quiescence.ts rebuilds
 * them at the thaw from their own sequence numbers).
 *
 * Any change thaws the cluster (quiescence.ts); requests then still on their way are handed to
 * Raft as they stand (`materialize`): the written entries are already in the leader's log and
 * are replicated with a bcastAppend, the reads start their ReadIndex round at the thaw. That is
 * the run's only departure from the full one under faults: such a request finishes a partial
 * round trip later. Without faults the difference is in milliseconds within a request, and the
 * test (test/model/etcd/fast-requests.test.ts) compares answers, answer order, store state and
 * answer times with the message-by-message run; test/model/world/lock-shortcut.test.ts compares
 * whole rollouts (lock grant order, etcd request counts) with fidelity full.
 */
export const FAST_SEQUENCE_BASE = 2 ** 45;

/** Requests served on the fast path at once; a bound, not a model parameter. */
const PENDING_MAX = 1_000_000;

export class FastRequests {
  /** Requests served on the fast path so far (for tests and benchmarks). */
  served = 0;
  /** Fast requests handed back to Raft at a thaw. */
  materialized = 0;

  private readonly commitKind: EventKind;
  private readonly readKind: EventKind;
  /** Per directed member link (from * n + to): fast draws made so far. */
  private readonly fastSequence: Float64Array;
  private readonly rtt: Float64Array;

  // Writes waiting for their commit event, in index (and so commit-time) order.
  private writes: { wire: KvRequestWire; index: number; handle: EventHandle }[] = [];
  private writesHead = 0;
  private lastCommitMs = -Infinity;

  // Reads waiting for their ready event, in slots reused through a free list. A folded read
  // (foldRead) also keeps its sender and its arrival time at the leader; -1 for the others.
  private readonly readWire: (KvRequestWire | undefined)[] = [];
  private readonly readHandle: EventHandle[] = [];
  private readonly readFrom: number[] = [];
  private readonly readArrivalMs: number[] = [];
  /** Reads whose arrival was folded into their ReadIndex round (foldRead). */
  folded = 0;
  private readonly freeReads: number[] = [];
  private readsPending = 0;

  constructor(private readonly cluster: ClusterPort) {
    const n = cluster.config.memberCount;
    this.fastSequence = new Float64Array(n * n);
    this.rtt = new Float64Array(n);
    this.commitKind = cluster.sim.register(`${cluster.name}.fast-commit`, () => this.commitNext());
    this.readKind = cluster.sim.register(`${cluster.name}.fast-read`, (slot) => this.readReady(slot));
  }

  get pending(): number {
    return this.writes.length - this.writesHead + this.readsPending;
  }

  /**
   * Serves `wire`, which just reached `member`, on the fast path when the cluster is quiescent
   * and `member` leads; returns false (the caller goes through Raft) otherwise.
   */
  serve(member: number, wire: KvRequestWire): boolean {
    const c = this.cluster;
    const leader = this.servingLeader(member);
    if (leader === null) return false;
    const nowMs = c.sim.now;
    this.served++;
    if (wire.op.op === 'get') {
      this.startRead(leader, wire, nowMs, -1);
      return true;
    }
    const index = appendOwn(leader, { requestId: wire.requestId, op: wire.op });
    // Commits follow the log order: an entry never commits before the one before it.
    const commitMs = Math.max(nowMs + this.quorumRoundTripMs(leader, 1), this.lastCommitMs);
    this.lastCommitMs = commitMs;
    this.writes.push({ wire, index, handle: c.sim.scheduleAt(commitMs, this.commitKind, 0, 0) });
    return true;
  }

  /**
   * A client sends a read to `member`: when the fast path would serve it on arrival (the cluster
   * is quiescent and `member` leads), its arrival is not an event of its own. The network
   * reserves the message's delivery (same latency, FIFO, loss and partition rules as a sent
   * message) and the read's ReadIndex round starts from that arrival time. Any change before the
   * arrival thaws the cluster, and materialize() then lets the message travel after all, to
   * arrive when it would have. Returns false when the caller must send it.
   *
   * A read only, not a write: a write takes its log index on arrival, in arrival order, which a
   * write sent later on a faster link could still change.
   */
  foldRead(member: number, clientEndpoint: number, wire: KvRequestWire): boolean {
    const c = this.cluster;
    if (wire.op.op !== 'get') return false;
    const leader = this.servingLeader(member);
    if (leader === null) return false;
    const arrivalMs = c.network.reserveDelivery(clientEndpoint, c.members[member].endpoint);
    if (arrivalMs < 0) return true; // lost or cut on the way, as the sent message would be
    this.served++;
    this.folded++;
    this.startRead(leader, wire, arrivalMs, clientEndpoint);
    return true;
  }

  /** The leader of a quiescent cluster if it is `member`, which may then serve on the fast path. */
  private servingLeader(member: number): RaftState | null {
    const c = this.cluster;
    if (!c.quiescent || c.leader() !== member) return null;
    const leader = c.members[member].state;
    if (leader === null || leader.role !== 'leader') return null;
    for (const m of c.members) if (m.state === null) return null;
    // A leader serves reads only once it committed an entry of its term (§8); quiescence
    // implies it, but the fast path must not rely on that silently.
    if (termAt(leader.log, leader.commit) !== leader.term) return null;
    if (this.pending >= PENDING_MAX) fail(`etcd: more than ${PENDING_MAX} fast requests pending`);
    return leader;
  }

  /** A read reaches the leader at `arrivalMs` (now, or later when folded from `from`). */
  private startRead(leader: RaftState, wire: KvRequestWire, arrivalMs: number, from: number): void {
    // read_only.go: the read index is the commit index now; each heartbeat round has its ctx.
    nextReadCtx(leader);
    const slot = this.freeReads.length > 0 ? this.freeReads.pop()! : this.readWire.length;
    this.readWire[slot] = wire;
    this.readFrom[slot] = from;
    this.readArrivalMs[slot] = arrivalMs;
    this.readHandle[slot] = this.cluster.sim.scheduleAt(arrivalMs + this.quorumRoundTripMs(leader, 1), this.readKind, slot, 0);
    this.readsPending++;
  }

  /**
   * The cluster thawed: requests still on their way go to Raft as they stand. Called by
   * quiescence.ts after it rebuilt the full run's state.
   */
  materialize(): void {
    if (this.pending === 0) return;
    const c = this.cluster;
    const leaderId = c.leader();
    if (leaderId < 0) fail('etcd: fast requests pending without a leader');
    const writes = this.writes.slice(this.writesHead);
    this.writes = [];
    this.writesHead = 0;
    this.lastCommitMs = -Infinity;
    for (const w of writes) {
      c.sim.cancel(w.handle);
      c.adoptProposal(leaderId, w.wire, w.index);
    }
    if (writes.length > 0) c.replicateNow(leaderId);
    let reads = 0;
    const nowMs = c.sim.now;
    for (let slot = 0; slot < this.readWire.length; slot++) {
      const wire = this.readWire[slot];
      if (wire === undefined) continue;
      const from = this.readFrom[slot];
      const arrivalMs = this.readArrivalMs[slot];
      c.sim.cancel(this.readHandle[slot]);
      this.releaseRead(slot);
      if (from >= 0 && arrivalMs > nowMs) {
        // A folded read still on its way: it travels as the message it is.
        c.network.injectInFlight(from, c.members[leaderId].endpoint, wire, arrivalMs);
        continue;
      }
      if (from >= 0) c.network.countDelivered();
      c.adoptRead(leaderId, wire);
      reads++;
    }
    this.materialized += writes.length + reads;
  }

  /**
   * The (q-1)-th smallest round trip leader -> follower -> leader over the followers, drawing
   * `messagesPerLink` fresh latencies per direction (the first pair is the one that counts).
   */
  private quorumRoundTripMs(leader: RaftState, messagesPerLink: number): number {
    const c = this.cluster;
    const n = c.config.memberCount;
    if (n === 1) return 0;
    const net = c.network;
    const from = c.members[leader.id].endpoint;
    let count = 0;
    for (let f = 0; f < n; f++) {
      if (f === leader.id) continue;
      const to = c.members[f].endpoint;
      const out = this.draw(leader.id, f, messagesPerLink);
      const back = this.draw(f, leader.id, messagesPerLink);
      this.rtt[count++] = net.latencyOf(from, to, out) + net.latencyOf(to, from, back);
    }
    // Insertion sort in place (a handful of followers; subarray().sort() allocated per request).
    const rtt = this.rtt;
    for (let i = 1; i < count; i++) {
      const x = rtt[i];
      let j = i - 1;
      for (; j >= 0 && rtt[j] > x; j--) rtt[j + 1] = rtt[j];
      rtt[j + 1] = x;
    }
    // The leader holds the entry itself: q-1 followers complete the quorum.
    return rtt[quorumSize(n) - 2];
  }

  /** Reserves `count` fast sequence numbers on the link; returns the first. */
  private draw(from: number, to: number, count: number): number {
    const k = from * this.cluster.config.memberCount + to;
    const first = this.fastSequence[k];
    this.fastSequence[k] = first + count;
    return FAST_SEQUENCE_BASE + first;
  }

  private commitNext(): void {
    const c = this.cluster;
    if (!(this.writesHead < this.writes.length)) fail('etcd: a fast commit without a pending write');
    const w = this.writes[this.writesHead++];
    if (this.writesHead === this.writes.length) {
      this.writes = [];
      this.writesHead = 0;
    }
    assert(c.quiescent, 'etcd: a fast commit on a thawed cluster (it should have been materialized)');
    const leaderId = c.leader();
    const leader = c.members[leaderId].state!;
    const entry = leader.log[w.index - 1];
    const nowMs = c.sim.now;
    const followers: RaftState[] = [];
    for (const m of c.members) {
      if (m.id === leaderId) continue;
      followers.push(m.state!);
      // The proposal's MsgApp and the commit's, each answered (replication.ts).
      const ep = c.members[leaderId].endpoint;
      c.network.skipMessages(ep, m.endpoint, 2, 2, nowMs);
      c.network.skipMessages(m.endpoint, ep, 2, 2, nowMs);
    }
    // The only writer of Raft state is sim/model/etcd/raft/: the closed form lives there.
    commitSettled(leader, followers, w.index);
    const result = c.applyFastCommit(leaderId, w.index, entry, (entry.data as { op: WriteOp }).op, nowMs);
    c.respond(leaderId, w.wire, { ok: true, kind: 'write', result });
  }

  private readReady(slot: number): void {
    const c = this.cluster;
    const wire = this.readWire[slot];
    if (wire === undefined || wire.op.op !== 'get') fail(`etcd: fast read slot ${slot} is empty`);
    const folded = this.readFrom[slot] >= 0;
    this.releaseRead(slot);
    assert(c.quiescent, 'etcd: a fast read on a thawed cluster (it should have been materialized)');
    if (folded) c.network.countDelivered();
    const leaderId = c.leader();
    const ep = c.members[leaderId].endpoint;
    const nowMs = c.sim.now;
    // The ReadIndex heartbeat round: one heartbeat and one answer per follower.
    for (const m of c.members) {
      if (m.id === leaderId) continue;
      c.network.skipMessages(ep, m.endpoint, 1, 1, nowMs);
      c.network.skipMessages(m.endpoint, ep, 1, 1, nowMs);
    }
    c.respond(leaderId, wire, { ok: true, kind: 'read', revision: c.store.revision, kv: c.store.get(wire.op.key) });
  }

  private releaseRead(slot: number): void {
    this.readWire[slot] = undefined;
    this.readHandle[slot] = NO_EVENT;
    this.freeReads.push(slot);
    this.readsPending--;
  }
}
