// The log helpers of raft/log.ts on hand-written logs (etcd-io/raft log_test.go style).
import { describe, expect, it } from 'vitest';
import { appendAfter, findConflict, findConflictByTerm, isUpToDate, termAt } from '../../../../sim/model/etcd/raft/log.ts';
import { committedIndex, voteResult } from '../../../../sim/model/etcd/raft/quorum.ts';
import type { Entry } from '../../../../sim/model/etcd/raft/types.ts';

const log = (...terms: number[]): Entry[] => terms.map((term, i) => ({ term, data: i }));

describe('raft log', () => {
  it('termAt is 0 at index 0 and -1 beyond the log', () => {
    expect(termAt(log(1, 2), 0)).toBe(0);
    expect(termAt(log(1, 2), 2)).toBe(2);
    expect(termAt(log(1, 2), 3)).toBe(-1);
  });

  it('§5.4.1 isUpToDate compares last terms first, then lengths', () => {
    expect(isUpToDate(log(1, 2), 1, 3)).toBe(true);
    expect(isUpToDate(log(1, 2), 5, 1)).toBe(false);
    expect(isUpToDate(log(1, 2), 2, 2)).toBe(true);
    expect(isUpToDate(log(1, 2), 1, 2)).toBe(false);
  });

  it('findConflict finds the first new or mismatching entry, 0 when every entry is held', () => {
    expect(findConflict(log(1, 1, 2), 2, log(1, 2))).toBe(0);
    expect(findConflict(log(1, 1, 2), 2, [{ term: 1, data: 0 }, { term: 3, data: 0 }])).toBe(3);
    expect(findConflict(log(1, 1, 2), 3, [{ term: 2, data: 0 }, { term: 2, data: 0 }])).toBe(4);
  });

  it('§5.3 appendAfter leaves held entries alone, so a stale message cannot truncate newer ones', () => {
    const l = log(1, 1, 2, 2);
    expect(appendAfter(l, 1, [l[1]], 0)).toBe(2);
    expect(l.length).toBe(4);
  });

  it('appendAfter refuses to truncate a committed entry', () => {
    expect(() => appendAfter(log(1, 1, 2), 1, [{ term: 3, data: 0 }], 2)).toThrow(/committed prefix/);
  });

  it('findConflictByTerm skips back to the last entry whose term is at most the given one', () => {
    expect(findConflictByTerm(log(1, 2, 2, 4, 4, 4), 6, 3)).toEqual({ index: 3, term: 2 });
    expect(findConflictByTerm(log(1, 2, 2, 4), 9, 4)).toEqual({ index: 4, term: 4 });
    expect(findConflictByTerm(log(2, 2), 2, 1)).toEqual({ index: 0, term: 0 });
  });

  it('committedIndex is the index a majority stores; voteResult is lost once a majority cannot be reached', () => {
    expect(committedIndex([5, 3, 9, 1, 3])).toBe(3);
    expect(committedIndex([7])).toBe(7);
    expect(voteResult(new Map([[0, true], [1, false], [2, false]]), 5)).toBe('pending');
    expect(voteResult(new Map([[0, true], [1, false], [2, false], [3, false]]), 5)).toBe('lost');
    expect(voteResult(new Map([[0, true], [1, true], [2, true]]), 5)).toBe('won');
  });
});
