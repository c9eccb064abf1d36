/**
 * The workload invariants (sim/model/workloads/invariants.ts), each shown to fire on a
 * deliberately broken model and to stay silent on the real one.
 */
import { describe, expect, it } from 'vitest';
import { NodeDrain } from '../../../sim/model/workloads/drain.ts';
import { InstanceState, InstanceTable } from '../../../sim/model/workloads/instances.ts';
import { evictionBreaksBudget, instancesOnDownNodes, workloadsBelowMin } from '../../../sim/model/workloads/invariants.ts';
import { DisruptionBudget, type EvictionAnswer } from '../../../sim/model/workloads/pdb.ts';

/** A budget that ignores disruptionsAllowed: the bug eviction.go's checkAndDecrement prevents. */
class BrokenBudget extends DisruptionBudget {
  override evict(): EvictionAnswer {
    return { granted: true, status: 201, counted: false };
  }
}

/** A table whose nodes going down leave their instances running: the bug the down-node check catches. */
class BrokenTable extends InstanceTable {
  override nodeDown(): number[] {
    return [];
  }
}

function ready(table: InstanceTable, nodes: number[]): InstanceTable {
  nodes.forEach((node, i) => {
    table.start(i, node, 0);
    table.becomeReady(i, 0);
  });
  return table;
}

/** Drains node 0 and checks every granted eviction against the budget, as the run's checker does. */
function drainAndCheck(budget: DisruptionBudget): string[] {
  const t = ready(new InstanceTable([0, 0, 0, 0], 1, 2), [0, 0, 1, 1]);
  const violations: string[] = [];
  const watching = new Proxy(budget, {
    get(target, key, receiver) {
      if (key !== 'evict') return Reflect.get(target, key, receiver);
      return (currentHealthy: number, podReady: boolean) => {
        const answer = target.evict(currentHealthy, podReady);
        if (answer.granted) {
          const v = evictionBreaksBudget('api', currentHealthy, podReady, target.desired());
          if (v !== null) violations.push(v);
        }
        return answer;
      };
    },
  });
  new NodeDrain(0, 0, 0).attempt(0, t, () => watching, () => {});
  return violations;
}

describe('a voluntary eviction never breaks a PDB', () => {
  it('holds for the real eviction API', () => {
    expect(drainAndCheck(new DisruptionBudget(3, 4))).toEqual([]);
  });

  it('fires on a budget that grants every eviction', () => {
    expect(drainAndCheck(new BrokenBudget(3, 4))).toEqual([
      'workload api: a voluntary eviction left 2 ready, below its budget\'s desiredHealthy 3',
    ]);
  });
});

describe('no instance runs on a down node', () => {
  it('holds when instances stop with their node', () => {
    const t = ready(new InstanceTable([0, 0], 1, 2), [0, 1]);
    t.nodeDown(0, () => false);
    expect(instancesOnDownNodes(t, (n) => n !== 0)).toEqual([]);
  });

  it('fires on a model that leaves them running', () => {
    const t = ready(new BrokenTable([0, 0], 1, 2), [0, 1]);
    t.nodeDown(0, () => false);
    expect(t.state[0]).toBe(InstanceState.Ready);
    expect(instancesOnDownNodes(t, (n) => n !== 0)).toEqual(['instance 0 is ready on node 0, which is down']);
  });
});

describe('liveness: after the faults heal every workload is back to minAvailable', () => {
  it('holds once the node is back and the instance ready again', () => {
    const t = ready(new InstanceTable([0, 0], 1, 2), [0, 1]);
    t.nodeDown(0, () => false);
    t.nodeUp(0, () => 30_000);
    t.becomeReady(0, 30_000);
    expect(workloadsBelowMin(t, [{ name: 'api', desiredHealthy: 2 }])).toEqual([]);
  });

  it('fires on a model that never restarts a stopped instance', () => {
    const t = ready(new InstanceTable([0, 0], 1, 2), [0, 1]);
    t.nodeDown(0, () => false);
    // The broken model: the node is back but systemd never starts the unit (no nodeUp).
    expect(workloadsBelowMin(t, [{ name: 'api', desiredHealthy: 2 }])).toEqual([
      'workload api: 1 ready after the faults healed, below its minAvailable 2',
    ]);
  });
});
