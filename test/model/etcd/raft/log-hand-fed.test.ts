// The bounds of the log helpers of raft/log.ts on hand-written logs: index 0 is the empty prefix
// (term 0), entries are 1-based, slice(from, to] copies at most `limit` entries, and anything
// outside the log is an assertion (etcd-io/raft log.go raftLog.slice / mustCheckOutOfBounds,
// raftLog.findConflictByTerm).
import { describe, expect, it } from 'vitest';
import { findConflictByTerm, slice, termAt } from '../../../../sim/model/etcd/raft/log.ts';
import type { Entry } from '../../../../sim/model/etcd/raft/types.ts';
import { assertionFrom } from '../../../assertion-from.ts';

const log = (...terms: number[]): Entry[] => terms.map((term, i) => ({ term, data: i + 1 }));

describe('raft log bounds', () => {
  it('termAt of a negative index is an assertion naming the index', () => {
    expect(assertionFrom(() => termAt(log(1, 2), -1)).message).toBe('termAt: negative index -1');
    expect(termAt(log(1, 2), 1)).toBe(1);
  });

  it('slice(from, to] returns entries from+1..to, copied', () => {
    const l = log(1, 1, 2, 3);
    expect(slice(l, 1, 3, 10).map((e) => e.data)).toEqual([2, 3]);
    expect(slice(l, 0, 4, 10).map((e) => e.term)).toEqual([1, 1, 2, 3]);
    expect(slice(l, 4, 4, 10)).toEqual([]);
    const copy = slice(l, 0, 4, 10);
    copy.pop();
    expect(l).toHaveLength(4);
  });

  it('slice stops after `limit` entries (etcd-io/raft maxMsgSize, here in entries)', () => {
    // (0, 4] with limit 2: entries 1 and 2 only; (1, 4] with limit 1: entry 2 only.
    expect(slice(log(1, 1, 2, 3), 0, 4, 2).map((e) => e.data)).toEqual([1, 2]);
    expect(slice(log(1, 1, 2, 3), 1, 4, 1).map((e) => e.data)).toEqual([2]);
  });

  it('slice outside the log, or with from after to, is an assertion naming the range', () => {
    const l = log(1, 1, 2);
    expect(assertionFrom(() => slice(l, -1, 2, 10)).message).toBe('slice (-1, 2] outside the log');
    expect(assertionFrom(() => slice(l, 1, 4, 10)).message).toBe('slice (1, 4] outside the log');
    expect(assertionFrom(() => slice(l, 3, 2, 10)).message).toBe('slice (3, 2] outside the log');
    // The edges themselves are inside: (0, 3] and (3, 3].
    expect(slice(l, 0, 3, 10)).toHaveLength(3);
    expect(slice(l, 3, 3, 10)).toHaveLength(0);
  });

  it('findConflictByTerm stops at index 0 (term 0) even for a term below every entry, as etcd-io/raft findConflictByTerm does', () => {
    // etcd: `for ; index > 0; index--` ... `return 0, 0`: index 0 is never looked below. Here -1
    // (termAt's "unknown") is below term 0 of the empty prefix.
    expect(findConflictByTerm(log(1, 2), 2, -1)).toEqual({ index: 0, term: 0 });
    expect(findConflictByTerm(log(1, 2), 2, 0)).toEqual({ index: 0, term: 0 });
  });
});
