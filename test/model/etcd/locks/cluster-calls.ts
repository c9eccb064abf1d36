// A cluster with a leader, settled, for the lock tests; and one lock call run to its answer.
import type { LockResult } from '../../../../sim/model/etcd/locks/types.ts';
import { makeCluster, runUntilLeader, type Harness } from '../harness.ts';

export function ready(seed = 1): Harness {
  const h = makeCluster({ seed });
  runUntilLeader(h, 5_000);
  h.sim.runFor(500);
  return h;
}

/** Runs one lock call to its answer. */
export function call(h: Harness, op: (cb: (r: LockResult) => void) => void): LockResult {
  let result: LockResult | null = null;
  op((r) => (result = r));
  h.sim.runFor(1_000);
  if (result === null) throw new Error('the lock did not answer within 1 s');
  return result;
}
