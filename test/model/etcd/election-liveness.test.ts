// Election liveness as distributions over seeds (Raft paper §9.3, Figure 16): with 5 members,
// 1-5 ms latency and election timeouts drawn in [150, 300) ms, killing the leader yields a new
// one within a few hundred ms in most runs; with equal timeouts (150 ms, no randomness) split
// votes repeat, so recovery needs many more candidacies and its tail grows long.
import { describe, expect, it } from 'vitest';
import type { Range } from '../../../sim/engine/random.ts';
import { makeCluster, runUntilLeader } from './harness.ts';

const SEEDS = 100;

function recoveries(electionTimeoutMs: Range): { timesMs: number[]; candidaciesMean: number } {
  const timesMs: number[] = [];
  let candidacies = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const h = makeCluster({ seed, electionTimeoutMs });
    expect(runUntilLeader(h, 60_000)).not.toBeNull();
    h.sim.runFor(1_000);
    const killedAtMs = h.sim.now;
    const before = h.cluster.metrics.elections;
    h.cluster.crash(h.cluster.leader());
    const electedAtMs = runUntilLeader(h, 10_000);
    timesMs.push(electedAtMs === null ? Infinity : electedAtMs - killedAtMs);
    candidacies += h.cluster.metrics.elections - before;
  }
  timesMs.sort((a, b) => a - b);
  return { timesMs, candidaciesMean: candidacies / SEEDS };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

describe('leader election after the leader dies (§9.3)', () => {
  const randomized = recoveries({ min: 150, max: 300 });
  const equal = recoveries({ min: 150, max: 150 });

  it('§5.2 randomized timeouts elect a new leader within a few hundred ms in most runs', () => {
    expect(quantile(randomized.timesMs, 0.5)).toBeLessThan(300);
    expect(quantile(randomized.timesMs, 0.9)).toBeLessThan(600);
    expect(randomized.candidaciesMean).toBeLessThan(1.5);
  });

  it('§9.3 equal timeouts split the vote again and again: many more candidacies and a long tail without a leader', () => {
    expect(equal.candidaciesMean).toBeGreaterThan(4 * randomized.candidaciesMean);
    expect(quantile(equal.timesMs, 0.5)).toBeGreaterThan(1.5 * quantile(randomized.timesMs, 0.5));
    expect(quantile(equal.timesMs, 0.9)).toBeGreaterThan(3 * quantile(randomized.timesMs, 0.9));
  });
});
