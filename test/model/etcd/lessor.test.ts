// The leader's lease clocks (sim/model/etcd/lessor.ts) against a hand-fed cluster port: a real
// Simulation and KvStore, a leader the test sets, and a proposeInternal that only records what
// the lessor asks to revoke (nothing applies it unless the test does). Expected deadlines follow
// etcd server/lease/lessor.go: a lease expires TTL after it was granted or last kept alive
// (Lease.refresh; LeaseKeepAlive at the leader, lessor.Renew), expired leases are revoked by the
// leader once each (lessor.revokeExpiredLeases), in lease id order here.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { KvStore, type WriteOp } from '../../../sim/model/etcd/store.ts';
import { Lessor, type LessorPort } from '../../../sim/model/etcd/lessor.ts';

class HandFedPort implements LessorPort {
  readonly sim = new Simulation();
  readonly store = new KvStore();
  leaderId = 0;
  /** [time, lease id] of every revoke the lessor proposed. */
  readonly revokes: [number, number][] = [];
  private applied = 0;

  leader(): number {
    return this.leaderId;
  }

  proposeInternal(op: WriteOp): boolean {
    if (this.leaderId < 0) return false;
    if (op.op === 'leaseRevoke') this.revokes.push([this.sim.now, op.leaseId]);
    return true;
  }

  /** Applies a committed entry to the store, as the cluster does. */
  apply(op: WriteOp): void {
    this.store.apply(++this.applied, op, this.sim.now);
  }
}

/** A port and a lessor that hears every store write, as in the cluster. */
function setUp(): { port: HandFedPort; lessor: Lessor } {
  const port = new HandFedPort();
  const lessor = new Lessor(port);
  port.store.observe((key, kv, nowMs) => lessor.onWrite(key, kv, nowMs));
  return { port, lessor };
}

describe('Lessor clocks', () => {
  it('a lease\'s clock starts when its key is written: remaining = TTL - elapsed; an unknown lease has none', () => {
    const { port, lessor } = setUp();
    port.apply({ op: 'put', key: 'k', value: 'v', leaseTtlMs: 1_000 }); // lease 1 at t = 0
    expect(lessor.remainingMs(1, 0)).toBe(1_000);
    expect(lessor.remainingMs(1, 300)).toBe(700); // 1000 - 300
    expect(lessor.remainingMs(2, 0)).toBeNull();
  });

  it('a write naming a lease the store does not hold starts no clock', () => {
    const { lessor } = setUp();
    expect(() => lessor.onWrite('k', { value: 'v', createRevision: 2, modRevision: 2, version: 1, leaseId: 99 }, 0)).not.toThrow();
    expect(lessor.remainingMs(99, 0)).toBeNull();
  });

  it('keep-alive at the leader restarts the clock at the full TTL; without a leader, or for an unknown lease, it is refused and changes nothing', () => {
    const { port, lessor } = setUp();
    port.apply({ op: 'put', key: 'k', value: 'v', leaseTtlMs: 1_000 }); // lease 1, deadline 1000
    port.leaderId = -1;
    expect(lessor.keepAlive(1, 600)).toBe(false);
    expect(lessor.remainingMs(1, 600)).toBe(400); // 1000 - 600
    port.leaderId = 0; // member 0 leads
    expect(lessor.keepAlive(7, 600)).toBe(false);
    expect(lessor.keepAlive(1, 600)).toBe(true);
    expect(lessor.remainingMs(1, 600)).toBe(1_000); // deadline 600 + 1000
    expect(lessor.remainingMs(1, 900)).toBe(700);
  });
});

describe('Lessor expiry', () => {
  it('expired leases are proposed for revocation once each, in lease id order, each at its own deadline', () => {
    const port = new HandFedPort();
    // Leases 1 and 2 (1 s) and 3 (1.5 s) exist before the lessor hears of them...
    port.apply({ op: 'put', key: 'a', value: 'v', leaseTtlMs: 1_000 });
    port.apply({ op: 'put', key: 'b', value: 'v', leaseTtlMs: 1_000 });
    port.apply({ op: 'put', key: 'c', value: 'v', leaseTtlMs: 1_500 });
    const lessor = new Lessor(port);
    // ...which hears of them out of id order: 3, 2, 1.
    for (const key of ['c', 'b', 'a']) lessor.onWrite(key, port.store.get(key), 0);
    port.sim.runUntil(999);
    expect(port.revokes).toEqual([]);
    port.sim.runUntil(1_400);
    expect(port.revokes).toEqual([
      [1_000, 1],
      [1_000, 2],
    ]);
    // Leases 1 and 2 are being revoked (not yet applied): lease 3's deadline proposes only lease 3.
    port.sim.runUntil(2_000);
    expect(port.revokes).toEqual([
      [1_000, 1],
      [1_000, 2],
      [1_500, 3],
    ]);
  });

  it('a lease revoked in the store is forgotten at the next expiry run', () => {
    const { port, lessor } = setUp();
    port.apply({ op: 'put', key: 'a', value: 'v', leaseTtlMs: 1_000 }); // lease 1, deadline 1000
    port.apply({ op: 'put', key: 'b', value: 'v', leaseTtlMs: 1_500 }); // lease 2, deadline 1500
    port.sim.runUntil(1_200);
    expect(port.revokes).toEqual([[1_000, 1]]);
    port.apply({ op: 'leaseRevoke', leaseId: 1 }); // the revoke commits
    port.sim.runUntil(2_000);
    expect(port.revokes).toEqual([
      [1_000, 1],
      [1_500, 2],
    ]);
    expect(lessor.remainingMs(1, 2_000)).toBeNull();
    expect(lessor.remainingMs(2, 2_000)).toBe(-500); // 1500 - 2000: proposed, not yet revoked
  });
});
