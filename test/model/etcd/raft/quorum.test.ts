// Majority arithmetic of raft/quorum.ts against etcd-io/raft quorum/majority.go, with the vote
// tally checked against a reference written in the test from majority.go VoteResult's own rule.
import { describe, expect, it } from 'vitest';
import { quorumSize, voteResult, type VoteResult } from '../../../../sim/model/etcd/raft/quorum.ts';

/**
 * etcd-io/raft quorum/majority.go MajorityConfig.VoteResult, as written there: won when the grants
 * reach the quorum, pending while the grants plus the missing votes could still reach it, lost
 * otherwise. (The code under test counts rejections instead; this is the other formulation.)
 */
function referenceVoteResult(granted: number, missing: number, memberCount: number): VoteResult {
  const q = Math.floor(memberCount / 2) + 1;
  if (granted >= q) return 'won';
  if (granted + missing >= q) return 'pending';
  return 'lost';
}

describe('quorum/majority.go: quorum size', () => {
  it('a majority is more than half the members: 1 of 1, 2 of 2 or 3, 3 of 4 or 5, 4 of 6 or 7', () => {
    // n/2 + 1 with integer division: 1/2+1 = 1, 2/2+1 = 2, 3/2+1 = 2, 4/2+1 = 3, 5/2+1 = 3, 6/2+1 = 4, 7/2+1 = 4.
    expect([1, 2, 3, 4, 5, 6, 7].map(quorumSize)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });

  it('a cluster of no members has no quorum: asking for one is a bug', () => {
    expect(() => quorumSize(0)).toThrow(/^a cluster needs at least one member, got 0$/);
    expect(() => quorumSize(-2)).toThrow(/^a cluster needs at least one member, got -2$/);
  });
});

describe('quorum/majority.go VoteResult: the outcome of an election so far', () => {
  it('in four members one grant and two rejections already lose: the last vote cannot make three', () => {
    // q(4) = 3; granted 1 + missing 1 = 2 < 3.
    const votes = new Map([[0, true], [1, false], [2, false]]);
    expect(voteResult(votes, 4)).toBe('lost');
  });

  it('in two members a single rejection loses, since both votes are needed', () => {
    // q(2) = 2; granted 1 + missing 0 = 1 < 2.
    expect(voteResult(new Map([[0, true], [1, false]]), 2)).toBe('lost');
  });

  it('in four members one grant and one rejection are still pending: two missing grants would make three', () => {
    expect(voteResult(new Map([[0, true], [1, false]]), 4)).toBe('pending');
  });

  it('agrees with majority.go for every way 1 to 7 members can grant, reject or not yet answer', () => {
    for (let n = 1; n <= 7; n++) {
      for (let code = 0; code < 3 ** n; code++) {
        const votes = new Map<number, boolean>();
        let granted = 0;
        let missing = 0;
        for (let id = 0, rest = code; id < n; id++, rest = Math.floor(rest / 3)) {
          const answer = rest % 3; // 0: not yet, 1: granted, 2: rejected
          if (answer === 0) missing++;
          else {
            votes.set(id, answer === 1);
            if (answer === 1) granted++;
          }
        }
        expect([n, code, voteResult(votes, n)]).toEqual([n, code, referenceVoteResult(granted, missing, n)]);
      }
    }
  });
});
