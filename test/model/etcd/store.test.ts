// The replicated key space (sim/model/etcd/store.ts) fed committed entries by hand. Revisions,
// versions and leases are worked out from etcd's MVCC rules (etcd server/storage/mvcc: the store
// starts at revision 1; every write or delete that changes a key is one new revision;
// create_revision is the revision of the write that created the key, mod_revision that of the
// last write, version counts writes since creation; a delete of an absent key changes nothing),
// and from etcd's lessor (server/lease/lessor.go: a key belongs to at most one lease; revoking a
// lease deletes its keys; LeaseID 0 means no lease).
import { describe, expect, it } from 'vitest';
import { KvStore, type KeyValue, type WriteOp } from '../../../sim/model/etcd/store.ts';
import { assertionFrom } from '../../assertion-from.ts';

/** A store with `ops` applied at indexes 1, 2, ... (time 0); returns the store and the results. */
function applied(ops: (WriteOp | null)[]) {
  const store = new KvStore();
  const results = ops.map((op, i) => store.apply(i + 1, op, 0));
  return { store, results };
}

const keysOf = (store: KvStore, leaseId: number): string[] => [...(store.leases.get(leaseId)?.keys ?? [])];

describe('KvStore: revisions and versions (etcd mvcc)', () => {
  it('starts at revision 1 with nothing applied', () => {
    const store = new KvStore();
    expect(store.revision).toBe(1);
    expect(store.appliedIndex).toBe(0);
    expect(store.get('k')).toBeNull();
  });

  it('a leader\'s empty entry is applied without a result and without a new revision', () => {
    const { store, results } = applied([null]);
    expect(results).toEqual([null]);
    expect(store.appliedIndex).toBe(1);
    expect(store.revision).toBe(1);
  });

  it('a put creates the key at the next revision; a second put keeps create_revision and bumps version', () => {
    const { store, results } = applied([{ op: 'put', key: 'k', value: 'a' }, { op: 'put', key: 'k', value: 'b' }]);
    // Revision 1 -> 2 (create), 2 -> 3 (update).
    expect(results[0]).toEqual({ succeeded: true, revision: 2, leaseId: 0, kv: { value: 'a', createRevision: 2, modRevision: 2, version: 1, leaseId: 0 } });
    expect(results[1]).toEqual({ succeeded: true, revision: 3, leaseId: 0, kv: { value: 'b', createRevision: 2, modRevision: 3, version: 2, leaseId: 0 } });
    expect(store.revision).toBe(3);
  });

  it('a delete of a present key is a new revision; of an absent key it fails and changes nothing', () => {
    const { store, results } = applied([
      { op: 'put', key: 'k', value: 'a' },
      { op: 'delete', key: 'k' },
      { op: 'delete', key: 'k' },
      { op: 'put', key: 'k', value: 'c' },
    ]);
    // put: 2; delete: 3; delete of nothing: still 3; put re-creates the key at 4 with version 1.
    expect(results[1]).toEqual({ succeeded: true, revision: 3, kv: null, leaseId: 0 });
    expect(results[2]).toEqual({ succeeded: false, revision: 3, kv: null, leaseId: 0 });
    expect(results[3]?.kv).toEqual({ value: 'c', createRevision: 4, modRevision: 4, version: 1, leaseId: 0 });
    expect(store.revision).toBe(4);
  });

  it('observers see every write and delete after it is applied, in order', () => {
    const store = new KvStore();
    const seen: [string, string | null, number][] = [];
    store.observe((key, kv, nowMs) => seen.push([key, kv?.value ?? null, nowMs]));
    store.apply(1, { op: 'put', key: 'a', value: '1' }, 10);
    store.apply(2, { op: 'delete', key: 'zz' }, 20);
    store.apply(3, { op: 'delete', key: 'a' }, 30);
    expect(seen).toEqual([['a', '1', 10], ['a', null, 30]]);
  });

  it('entries are applied one index after the other; a gap or a repeat is an assertion', () => {
    const store = new KvStore();
    expect(assertionFrom(() => store.apply(2, null, 0)).message).toBe('store: applying 2 after 0');
    store.apply(1, null, 0);
    expect(assertionFrom(() => store.apply(1, null, 0)).message).toBe('store: applying 1 after 1');
  });

  it('an operation the store does not know is an assertion', () => {
    const store = new KvStore();
    const bogus = { op: 'compact', key: 'k' } as unknown as WriteOp;
    expect(assertionFrom(() => store.apply(1, bogus, 0)).message).toBe('unreachable store op: [object Object]');
  });
});

describe('KvStore: compare-and-swap (an etcd Txn with one Compare)', () => {
  const created: WriteOp = { op: 'put', key: 'k', value: 'a' }; // revision 2, version 1

  it('compares mod_revision, version or value, with an absent key as 0, 0 or null', () => {
    const cases: [WriteOp[], boolean][] = [
      [[created, { op: 'cas', key: 'k', value: 'b', expect: { modRevision: 2 } }], true],
      [[created, { op: 'cas', key: 'k', value: 'b', expect: { modRevision: 3 } }], false],
      [[{ op: 'cas', key: 'k', value: 'b', expect: { modRevision: 0 } }], true],
      [[created, { op: 'cas', key: 'k', value: 'b', expect: { version: 1 } }], true],
      [[created, { op: 'cas', key: 'k', value: 'b', expect: { version: 0 } }], false],
      [[{ op: 'cas', key: 'k', value: 'b', expect: { version: 0 } }], true],
      [[created, { op: 'cas', key: 'k', value: 'b', expect: { value: 'a' } }], true],
      [[created, { op: 'cas', key: 'k', value: 'b', expect: { value: null } }], false],
      [[{ op: 'cas', key: 'k', value: 'b', expect: { value: null } }], true],
    ];
    for (const [ops, succeeded] of cases) {
      const { results } = applied(ops);
      expect(results.at(-1)?.succeeded, JSON.stringify(ops.at(-1))).toBe(succeeded);
    }
  });

  it('a failed CAS returns the key as found, at the unchanged revision', () => {
    const { store, results } = applied([created, { op: 'cas', key: 'k', value: 'b', expect: { value: 'x' } }]);
    const found: KeyValue = { value: 'a', createRevision: 2, modRevision: 2, version: 1, leaseId: 0 };
    expect(results[1]).toEqual({ succeeded: false, revision: 2, kv: found, leaseId: 0 });
    expect(store.get('k')).toEqual(found);
  });

  it('a CAS on an absent key creates it with no lease', () => {
    const { results } = applied([{ op: 'cas', key: 'k', value: 'b', expect: { value: null } }]);
    expect(results[0]).toEqual({ succeeded: true, revision: 2, leaseId: 0, kv: { value: 'b', createRevision: 2, modRevision: 2, version: 1, leaseId: 0 } });
  });

  it('a successful CAS on a leased key keeps the key in its lease', () => {
    const { store, results } = applied([
      { op: 'put', key: 'k', value: 'a', leaseTtlMs: 1_000 },
      { op: 'cas', key: 'k', value: 'b', expect: { value: 'a' } },
    ]);
    expect(results[1]?.kv).toEqual({ value: 'b', createRevision: 2, modRevision: 3, version: 2, leaseId: 1 });
    expect(keysOf(store, 1)).toEqual(['k']);
  });
});

describe('KvStore: leases (etcd lessor)', () => {
  it('a put with a positive TTL grants a new lease, numbered 1, 2, ... and holding the key', () => {
    const { store, results } = applied([
      { op: 'put', key: 'a', value: '1', leaseTtlMs: 500 },
      { op: 'put', key: 'b', value: '2', leaseTtlMs: 700 },
    ]);
    expect(results.map((r) => [r?.leaseId, r?.kv?.leaseId])).toEqual([[1, 1], [2, 2]]);
    expect([...store.leases.values()].map((l) => [l.id, l.ttlMs, [...l.keys]])).toEqual([[1, 500, ['a']], [2, 700, ['b']]]);
  });

  it('a put without a TTL, or with a TTL of 0, grants no lease', () => {
    const { store, results } = applied([
      { op: 'put', key: 'a', value: '1' },
      { op: 'put', key: 'b', value: '2', leaseTtlMs: 0 },
    ]);
    expect(results.map((r) => [r?.leaseId, r?.kv?.leaseId])).toEqual([[0, 0], [0, 0]]);
    expect(store.leases.size).toBe(0);
  });

  it('a key written again with another lease leaves its old lease; written without one, it leaves too', () => {
    const { store } = applied([
      { op: 'put', key: 'k', value: '1', leaseTtlMs: 500 },
      { op: 'put', key: 'k', value: '2', leaseTtlMs: 500 },
    ]);
    expect(keysOf(store, 1)).toEqual([]);
    expect(keysOf(store, 2)).toEqual(['k']);
    store.apply(3, { op: 'put', key: 'k', value: '3' }, 0);
    expect(keysOf(store, 2)).toEqual([]);
    expect(store.get('k')?.leaseId).toBe(0);
  });

  it('deleting a leased key takes it out of its lease, so that revoking the lease later deletes nothing', () => {
    const { store, results } = applied([
      { op: 'put', key: 'k', value: '1', leaseTtlMs: 500 },
      { op: 'delete', key: 'k' },
      { op: 'put', key: 'k', value: '2' },
      { op: 'leaseRevoke', leaseId: 1 },
    ]);
    // put 2, delete 3, put 4; the revoke finds lease 1 empty: still 4, and k stays.
    expect(results[3]).toEqual({ succeeded: true, revision: 4, kv: null, leaseId: 1 });
    expect(store.get('k')?.value).toBe('2');
    expect(store.leases.has(1)).toBe(false);
  });

  it('revoking a lease deletes its key at a new revision and forgets the lease', () => {
    const { store, results } = applied([
      { op: 'put', key: 'k', value: '1', leaseTtlMs: 500 },
      { op: 'put', key: 'other', value: 'x' },
      { op: 'leaseRevoke', leaseId: 1 },
    ]);
    // put 2, put 3, revoke deletes k: 4.
    expect(results[2]).toEqual({ succeeded: true, revision: 4, kv: null, leaseId: 1 });
    expect(store.get('k')).toBeNull();
    expect(store.get('other')?.value).toBe('x');
    expect(store.leases.size).toBe(0);
  });

  it('revoking a lease that does not exist (or no longer) fails without a new revision', () => {
    const { store, results } = applied([
      { op: 'put', key: 'k', value: '1', leaseTtlMs: 500 },
      { op: 'leaseRevoke', leaseId: 1 },
      { op: 'leaseRevoke', leaseId: 1 },
      { op: 'leaseRevoke', leaseId: 9 },
    ]);
    expect(results[2]).toEqual({ succeeded: false, revision: 3, kv: null, leaseId: 1 });
    expect(results[3]).toEqual({ succeeded: false, revision: 3, kv: null, leaseId: 9 });
    expect(store.revision).toBe(3);
  });
});
