/**
 * One node's drain (sim/model/workloads/drain.ts) as kubectl's drain helper runs it for kured
 * (kubectl pkg/drain/drain.go, evictPods: a 429 is retried after 5 s until the global timeout;
 * kured cmd/kured/main.go, rebootAsRequired: --drain-timeout, --force-reboot).
 */
import { describe, expect, it } from 'vitest';
import { NodeDrain } from '../../../sim/model/workloads/drain.ts';
import { InstanceTable } from '../../../sim/model/workloads/instances.ts';
import { DisruptionBudget } from '../../../sim/model/workloads/pdb.ts';

/** Three ready replicas of one workload on nodes 0, 1, 2. */
function threeReplicas(): InstanceTable {
  const t = new InstanceTable([0, 0, 0], 1, 3);
  for (let i = 0; i < 3; i++) {
    t.start(i, i, 0);
    t.becomeReady(i, 0);
  }
  return t;
}

describe('NodeDrain', () => {
  it('evicts every instance the budget allows and reports the node drained', () => {
    const t = threeReplicas();
    const budget = new DisruptionBudget(2, 3);
    const step = new NodeDrain(0, 0, 0).attempt(0, t, () => budget, () => {});
    expect(step).toEqual({ kind: 'drained', evicted: [0] });
    expect(t.ready(0)).toBe(2);
    expect(budget.pendingEvictions()).toBe(0);
  });

  it('retries a refused eviction 5 s later and counts the refusal', () => {
    const t = threeReplicas();
    const budget = new DisruptionBudget(3, 3);
    let refused = 0;
    const step = new NodeDrain(1, 10_000, 0).attempt(10_000, t, () => budget, () => refused++);
    expect(step).toEqual({ kind: 'retry', atMs: 15_000, evicted: [], refused: 1 });
    expect(refused).toBe(1);
    expect(t.ready(0)).toBe(3);
  });

  it('with no timeout (kured --drain-timeout=0) retries forever: the pdb-deadlock', () => {
    const t = threeReplicas();
    const budget = new DisruptionBudget('100%', 3);
    const drain = new NodeDrain(0, 0, 0);
    let at = 0;
    for (let round = 0; round < 1_000; round++) {
      const step = drain.attempt(at, t, () => budget, () => {});
      expect(step.kind).toBe('retry');
      if (step.kind === 'retry') at = step.atMs;
    }
    expect(at).toBe(5_000_000);
  });

  it('times out at its deadline, with the node-time blocked counted up to it', () => {
    const t = threeReplicas();
    const budget = new DisruptionBudget(3, 3);
    const drain = new NodeDrain(0, 0, 12_000);
    const steps = [];
    let at = 0;
    for (let round = 0; round < 10; round++) {
      const step = drain.attempt(at, t, () => budget, () => {});
      steps.push(step.kind);
      if (step.kind !== 'retry') break;
      at = step.atMs;
    }
    // Attempts at 0, 5 s, 10 s; the next retry (15 s) is past the 12 s deadline.
    expect(steps).toEqual(['retry', 'retry', 'timedOut']);
    expect(drain.blockedMs).toBe(12_000);
  });

  it('finishes once a replica elsewhere is ready again, and counts the wait as blocked', () => {
    const t = threeReplicas();
    const budget = new DisruptionBudget(2, 3);
    t.nodeDown(1, () => false); // another node rebooting: 2 ready, none allowed
    const drain = new NodeDrain(0, 0, 0);
    expect(drain.attempt(0, t, () => budget, () => {}).kind).toBe('retry');
    t.nodeUp(1, () => 7_000);
    t.becomeReady(1, 7_000);
    expect(drain.attempt(10_000, t, () => budget, () => {})).toEqual({ kind: 'drained', evicted: [0] });
    expect(drain.blockedMs).toBe(10_000);
  });
});
