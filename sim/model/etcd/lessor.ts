import { NO_EVENT, type EventHandle } from '../../engine/event-queue.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { KeyValue, KvStore, WriteOp } from './store.ts';

/** What the lessor needs of the cluster (a port: no import cycle with cluster.ts). */
export interface LessorPort {
  readonly sim: Simulation;
  readonly store: KvStore;
  leader(): number;
  /** Proposes `op` at the leader with no client waiting; false when there is no leader. */
  proposeInternal(op: WriteOp): boolean;
}

/**
 * Lease expiry, kept by the leader (etcd server/lease/lessor.go): each lease expires `ttlMs`
 * after it was granted or last kept alive, as measured by the current leader. A new leader
 * refreshes every lease (lessor.Promote(extend) -> Lease.refresh: expiry = now + extend + TTL,
 * where etcdserver passes extend = ElectionTimeout(), server/etcdserver/server.go
 * applyEntryNormal), so leases do not expire while the cluster has no leader, and a client gets
 * an election timeout of grace to find the new leader; an expired lease is revoked through Raft
 * (an entry deleting its keys). etcd promotes once the new leader applies its first (empty) entry
 * of the term; fleetsim promotes when the leader is elected, a commit round trip earlier.
 */
export class Lessor {
  private readonly deadlines = new Map<number, number>();
  private readonly revoking = new Set<number>();
  private timer: EventHandle = NO_EVENT;

  constructor(private readonly cluster: LessorPort) {}

  /** A key written with a new lease: its clock starts now. */
  onWrite(_key: string, kv: KeyValue | null, nowMs: number): void {
    if (kv === null || kv.leaseId === 0 || this.deadlines.has(kv.leaseId)) return;
    const lease = this.cluster.store.leases.get(kv.leaseId);
    if (lease === undefined) return;
    this.deadlines.set(kv.leaseId, nowMs + lease.ttlMs);
    this.reschedule();
  }

  /** A new leader: every lease gets its full TTL again, plus `extendMs` (lessor.Promote). */
  promote(nowMs: number, extendMs: number): void {
    this.deadlines.clear();
    this.revoking.clear();
    for (const lease of this.cluster.store.leases.values()) this.deadlines.set(lease.id, nowMs + extendMs + lease.ttlMs);
    this.reschedule();
  }

  /** LeaseKeepAlive at the leader; false when there is no leader or no such lease. */
  keepAlive(leaseId: number, nowMs: number): boolean {
    const lease = this.cluster.store.leases.get(leaseId);
    if (lease === undefined || this.cluster.leader() < 0) return false;
    this.deadlines.set(leaseId, nowMs + lease.ttlMs);
    this.reschedule();
    return true;
  }

  /** Remaining ms of a lease as the leader sees it; null when unknown. */
  remainingMs(leaseId: number, nowMs: number): number | null {
    const deadline = this.deadlines.get(leaseId);
    return deadline === undefined ? null : deadline - nowMs;
  }

  private reschedule(): void {
    const sim = this.cluster.sim;
    sim.cancel(this.timer);
    this.timer = NO_EVENT;
    let earliest = Infinity;
    for (const [id, deadline] of this.deadlines) if (!this.revoking.has(id)) earliest = Math.min(earliest, deadline);
    if (earliest === Infinity) return;
    this.timer = sim.callAt(Math.max(earliest, sim.now), () => this.expire());
  }

  private expire(): void {
    this.timer = NO_EVENT;
    const nowMs = this.cluster.sim.now;
    if (this.cluster.leader() < 0) return; // the next leader's promote() restarts every clock
    for (const [id, deadline] of [...this.deadlines].sort((a, b) => a[0] - b[0])) {
      if (!this.cluster.store.leases.has(id)) {
        this.deadlines.delete(id);
        continue;
      }
      if (deadline > nowMs || this.revoking.has(id)) continue;
      if (this.cluster.proposeInternal({ op: 'leaseRevoke', leaseId: id })) this.revoking.add(id);
    }
    this.reschedule();
  }
}
