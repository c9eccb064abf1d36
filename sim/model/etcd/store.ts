import { assert, unreachable, fail } from '../../engine/assert.ts';

/**
 * The replicated state machine: etcd's MVCC key space reduced to what the reboot locks need
 * (latest value per key with its create/mod revision and version, a global revision, leases).
 *
 * Every member applies the same committed entries in the same order (State Machine Safety,
 * §5.4.3; the cluster asserts it on every commit), so fleetsim keeps ONE copy of the applied
 * state and applies each index once, the first time any member commits it.
 */
export interface KeyValue {
  readonly value: string;
  /** Revision of the write that created the key (etcd mvccpb.KeyValue.create_revision). */
  readonly createRevision: number;
  /** Revision of the last write (mod_revision). */
  readonly modRevision: number;
  /** Writes since creation, 1 for a new key (version; 0 means absent). */
  readonly version: number;
  readonly leaseId: number;
}

/** A compare-and-swap condition (an etcd Txn with one Compare). */
export type CasExpect =
  | { readonly modRevision: number }
  | { readonly version: number }
  /** The current value, or null for "absent". */
  | { readonly value: string | null };

export type WriteOp =
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly leaseTtlMs?: number }
  | { readonly op: 'cas'; readonly key: string; readonly value: string; readonly expect: CasExpect }
  | { readonly op: 'delete'; readonly key: string }
  /** Proposed by the leader's lessor when a lease expires. */
  | { readonly op: 'leaseRevoke'; readonly leaseId: number };

export interface WriteResult {
  readonly succeeded: boolean;
  /** The store's revision after the entry. */
  readonly revision: number;
  /** The key after the entry (or as found, when a CAS failed); null when absent. */
  readonly kv: KeyValue | null;
  /** The lease granted by a put with a TTL, else 0. */
  readonly leaseId: number;
}

export interface Lease {
  readonly id: number;
  readonly ttlMs: number;
  readonly keys: Set<string>;
}

export type StoreObserver = (key: string, kv: KeyValue | null, nowMs: number) => void;

export class KvStore {
  private readonly data = new Map<string, KeyValue>();
  private readonly leaseTable = new Map<number, Lease>();
  private readonly observers: StoreObserver[] = [];
  private revisionNow = 1;
  private applied = 0;
  private nextLeaseId = 1;

  get revision(): number {
    return this.revisionNow;
  }

  /** The last log index applied. */
  get appliedIndex(): number {
    return this.applied;
  }

  get(key: string): KeyValue | null {
    return this.data.get(key) ?? null;
  }

  get leases(): ReadonlyMap<number, Lease> {
    return this.leaseTable;
  }

  /** Called on every write of a key (after it is applied). */
  observe(observer: StoreObserver): void {
    this.observers.push(observer);
  }

  /** Applies the committed entry at `index` (null data: a leader's empty entry). */
  apply(index: number, data: WriteOp | null, nowMs: number): WriteResult | null {
    if (!(index === this.applied + 1)) fail(`store: applying ${index} after ${this.applied}`);
    this.applied = index;
    if (data === null) return null;
    switch (data.op) {
      case 'put': {
        let leaseId = 0;
        if (data.leaseTtlMs !== undefined && data.leaseTtlMs > 0) {
          leaseId = this.nextLeaseId++;
          this.leaseTable.set(leaseId, { id: leaseId, ttlMs: data.leaseTtlMs, keys: new Set([data.key]) });
        }
        const kv = this.write(data.key, data.value, leaseId, nowMs);
        return { succeeded: true, revision: this.revisionNow, kv, leaseId };
      }
      case 'cas': {
        const current = this.get(data.key);
        if (!compare(current, data.expect)) return { succeeded: false, revision: this.revisionNow, kv: current, leaseId: 0 };
        const kv = this.write(data.key, data.value, current?.leaseId ?? 0, nowMs);
        return { succeeded: true, revision: this.revisionNow, kv, leaseId: 0 };
      }
      case 'delete': {
        const existed = this.remove(data.key, nowMs);
        return { succeeded: existed, revision: this.revisionNow, kv: null, leaseId: 0 };
      }
      case 'leaseRevoke': {
        const lease = this.leaseTable.get(data.leaseId);
        if (lease === undefined) return { succeeded: false, revision: this.revisionNow, kv: null, leaseId: data.leaseId };
        this.leaseTable.delete(data.leaseId);
        for (const key of [...lease.keys].sort()) this.remove(key, nowMs);
        return { succeeded: true, revision: this.revisionNow, kv: null, leaseId: data.leaseId };
      }
      default:
        return unreachable(data, 'store op');
    }
  }

  private write(key: string, value: string, leaseId: number, nowMs: number): KeyValue {
    const before = this.get(key);
    if (before !== null && before.leaseId !== 0 && before.leaseId !== leaseId) this.leaseTable.get(before.leaseId)?.keys.delete(key);
    this.revisionNow++;
    const kv: KeyValue = {
      value,
      createRevision: before?.createRevision ?? this.revisionNow,
      modRevision: this.revisionNow,
      version: (before?.version ?? 0) + 1,
      leaseId,
    };
    this.data.set(key, kv);
    for (const observer of this.observers) observer(key, kv, nowMs);
    return kv;
  }

  private remove(key: string, nowMs: number): boolean {
    const before = this.get(key);
    if (before === null) return false;
    if (before.leaseId !== 0) this.leaseTable.get(before.leaseId)?.keys.delete(key);
    this.revisionNow++;
    this.data.delete(key);
    for (const observer of this.observers) observer(key, null, nowMs);
    return true;
  }
}

function compare(current: KeyValue | null, expect: CasExpect): boolean {
  if ('modRevision' in expect) return (current?.modRevision ?? 0) === expect.modRevision;
  if ('version' in expect) return (current?.version ?? 0) === expect.version;
  return (current?.value ?? null) === expect.value;
}
