/**
 * The Pareto frontier against a brute-force definition written here (a point is on it when no
 * point is <= on every objective and < on one, null being worse than every number), as a property
 * over random score tables; and the frontier's basic facts on hand-made cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareScores, dominates, paretoFrontier } from '../../../sim/cli/search/pareto.ts';

const INF = Number.POSITIVE_INFINITY;
const key = (v: number | null) => (v === null ? INF : v);

function bruteFrontier(scores: (number | null)[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    let dominated = false;
    for (let j = 0; j < scores.length && !dominated; j++) {
      if (i === j) continue;
      const le = scores[j].every((v, k) => key(v) <= key(scores[i][k]));
      const lt = scores[j].some((v, k) => key(v) < key(scores[i][k]));
      dominated = le && lt;
    }
    if (!dominated) out.push(i);
  }
  return out;
}

const scoreTable = (objectives: number) =>
  fc.array(fc.array(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 5 }), { minLength: objectives, maxLength: objectives }), { maxLength: 12 });

describe('the Pareto frontier', () => {
  it('is exactly the points no other point dominates (property, 2 and 3 objectives, with nulls)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 3 }).chain(scoreTable), (scores) => {
        expect(paretoFrontier(scores)).toEqual(bruteFrontier(scores));
      }), { numRuns: 500 });
  });

  it('is never empty for a non-empty set, and every point off it is dominated by one on it', () => {
    fc.assert(
      fc.property(scoreTable(2), (scores) => {
        const frontier = paretoFrontier(scores);
        if (scores.length > 0) expect(frontier.length).toBeGreaterThan(0);
        scores.forEach((s, i) => {
          if (!frontier.includes(i)) expect(frontier.some((f) => dominates(scores[f], s))).toBe(true);
        });
      }),
    );
  });

  it('keeps a trade-off and drops what is worse on both: fast-but-disruptive and slow-but-gentle both stay', () => {
    // [rollout ms, maxDown]
    const scores = [
      [1000, 4],
      [5000, 1],
      [6000, 2], // worse than [5000, 1] on both
      [null, 1], // never completes: dominated by [5000, 1]
      [1000, 4], // equal to the first: both stay
    ];
    expect(paretoFrontier(scores)).toEqual([0, 1, 4]);
  });

  it('a rollout that never completes is on the frontier only when nothing completes with as little disruption', () => {
    expect(paretoFrontier([[null, 0], [3000, 1]])).toEqual([0, 1]);
    expect(paretoFrontier([[null, 1], [3000, 1]])).toEqual([1]);
  });

  it('orders by the first objective, then the next, nulls last', () => {
    const rows = [[null, 0], [2, 5], [2, 1], [1, 9]];
    expect([...rows].sort(compareScores)).toEqual([[1, 9], [2, 1], [2, 5], [null, 0]]);
  });
});
