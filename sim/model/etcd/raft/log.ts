import { assert, fail } from '../../../engine/assert.ts';
import type { Entry } from './types.ts';

/**
 * The Raft log as a plain array: entry i (1-based) is `log[i - 1]`; index 0 is the empty prefix
 * with term 0 (etcd-io/raft log.go, without snapshots). Functions, not a class, so that the log
 * stays plain data inside RaftState.
 */
export function lastIndex(log: readonly Entry[]): number {
  return log.length;
}

/** Term of entry i; 0 for i = 0; -1 when i is beyond the log (unknown). */
export function termAt(log: readonly Entry[], index: number): number {
  if (!(index >= 0)) fail(`termAt: negative index ${index}`);
  if (index === 0) return 0;
  if (index > log.length) return -1;
  return log[index - 1].term;
}

export function lastTerm(log: readonly Entry[]): number {
  return termAt(log, log.length);
}

/**
 * §5.4.1: a log is at least as up-to-date as ours when its last term is higher, or equal with
 * an index at least as long (etcd-io/raft raftLog.isUpToDate).
 */
export function isUpToDate(log: readonly Entry[], candidateLastIndex: number, candidateLastTerm: number): boolean {
  const ourTerm = lastTerm(log);
  return candidateLastTerm > ourTerm || (candidateLastTerm === ourTerm && candidateLastIndex >= lastIndex(log));
}

/** §5.3 consistency check: does our entry at `index` have `term`? */
export function matchTerm(log: readonly Entry[], index: number, term: number): boolean {
  return termAt(log, index) === term;
}

/**
 * The first index at which `entries` (starting at `firstIndex`) disagree with our log, or that
 * our log lacks; 0 when we hold all of them already (etcd-io/raft raftLog.findConflict).
 */
export function findConflict(log: readonly Entry[], firstIndex: number, entries: readonly Entry[]): number {
  for (let k = 0; k < entries.length; k++) {
    if (!matchTerm(log, firstIndex + k, entries[k].term)) return firstIndex + k;
  }
  return 0;
}

/**
 * Appends `entries` after `prevIndex`, truncating a conflicting suffix first (§5.3: "If an
 * existing entry conflicts with a new one, delete the existing entry and all that follow it").
 * Entries we already hold are not touched, so a stale, reordered MsgApp cannot truncate entries
 * that a later one appended. Returns the index of the last new entry. Never truncates at or below
 * `commit` (that would lose a committed entry: an assertion, not a recoverable case).
 */
export function appendAfter(log: Entry[], prevIndex: number, entries: readonly Entry[], commit: number): number {
  const lastNew = prevIndex + entries.length;
  const conflict = findConflict(log, prevIndex + 1, entries);
  if (conflict === 0) return lastNew;
  if (!(conflict > commit)) fail(`entry ${conflict} conflicts with the committed prefix (commit ${commit})`);
  log.length = conflict - 1;
  for (let k = conflict - (prevIndex + 1); k < entries.length; k++) log.push(entries[k]);
  return lastNew;
}

/**
 * The largest index <= `index` whose term is <= `term`, with its term (etcd-io/raft
 * raftLog.findConflictByTerm). Used on both sides of a rejected MsgApp to skip a whole term of
 * mismatching entries per round trip instead of one entry (the optimisation of §5.3's last
 * paragraph).
 */
export function findConflictByTerm(log: readonly Entry[], index: number, term: number): { index: number; term: number } {
  let i = Math.min(index, lastIndex(log));
  while (i > 0 && termAt(log, i) > term) i--;
  return { index: i, term: termAt(log, i) };
}

/** Entries (from, to], copied (at most `limit`). */
export function slice(log: readonly Entry[], fromIndex: number, toIndex: number, limit: number): Entry[] {
  if (!(fromIndex >= 0 && toIndex <= log.length && fromIndex <= toIndex)) fail(`slice (${fromIndex}, ${toIndex}] outside the log`);
  return log.slice(fromIndex, Math.min(toIndex, fromIndex + limit));
}
