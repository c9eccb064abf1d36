import { assert, fail } from '../../../engine/assert.ts';

/** Majority arithmetic (etcd-io/raft quorum/majority.go). */
export function quorumSize(memberCount: number): number {
  if (!(memberCount >= 1)) fail(`a cluster needs at least one member, got ${memberCount}`);
  return Math.floor(memberCount / 2) + 1;
}

/**
 * The largest index stored by a majority: sort the members' match indexes descending and take
 * the quorum-th (majority.go CommittedIndex). Whether it may be committed is the caller's
 * business (§5.4.2: only entries of the current term are committed by counting).
 */
export function committedIndex(matches: readonly number[]): number {
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[quorumSize(matches.length) - 1];
}

export type VoteResult = 'won' | 'lost' | 'pending';

/** majority.go VoteResult: won with a majority of grants, lost once a majority rejected. */
export function voteResult(votes: ReadonlyMap<number, boolean>, memberCount: number): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const vote of votes.values()) {
    if (vote) granted++;
    else rejected++;
  }
  const q = quorumSize(memberCount);
  if (granted >= q) return 'won';
  if (rejected >= q) return 'lost';
  // Even every missing vote granted would not reach the quorum.
  if (memberCount - rejected < q) return 'lost';
  return 'pending';
}
