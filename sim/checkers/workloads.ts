import { evictionBreaksBudget, instancesOnDownNodes, workloadsBelowMin } from '../model/workloads/invariants.ts';
import { InstanceState } from '../model/workloads/instances.ts';
import type { CheckedRun } from './context.ts';

/**
 * The workload invariants (sim/model/workloads/invariants.ts, docs/workloads.md), watched through
 * the runtime's observers; silent when the scenario has no workloads.
 * - workload-budget: a voluntary eviction never takes a workload below its PodDisruptionBudget's
 *   desiredHealthy (kubernetes eviction.go checkAndDecrement). A forced reboot after a drain
 *   timeout is not an eviction: it is counted in reboots.forced, not here.
 * - workload-down-node: no instance is starting or ready on a node that is down (checked when a
 *   node goes down, when an instance becomes ready, and over the whole table at the end).
 * - workload-liveness: once the faults have healed, every workload is back to its minAvailable
 *   within `liveness.bound`: a violation when a workload is below it at the end of the run and
 *   has been since before that deadline. Judged only when every fault healed and the deadline
 *   falls within the run.
 */
export const WORKLOAD_BUDGET = 'workload-budget';
export const WORKLOAD_DOWN_NODE = 'workload-down-node';
export const WORKLOAD_LIVENESS = 'workload-liveness';

export interface WorkloadCheckers {
  finish(nowMs: number): void;
}

export function installWorkloadCheckers(run: CheckedRun): WorkloadCheckers {
  const port = run.world.workloads;
  if (port === null) return { finish: () => {} };
  const { violations, faults, scenario } = run;
  const workloads = port.workloads;
  const table = workloads.table;
  const specs = workloads.specs;
  /** Since when each workload has been below its minAvailable (null: at or above it). */
  const belowSinceMs: (number | null)[] = specs.map(() => null);
  const onDownNode = (instance: number, nodeId: number, nowMs: number): void => {
    const state = table.state[instance];
    if (state === InstanceState.Starting || state === InstanceState.Ready) {
      violations.record(nowMs, WORKLOAD_DOWN_NODE, `instance ${instance} of ${specs[table.workload[instance]].name} is ${state === InstanceState.Ready ? 'ready' : 'starting'} on node ${nodeId}, which is down`);
    }
  };
  workloads.observe({
    evicted: (w, readyBefore, wasReady, nowMs) => {
      const broken = evictionBreaksBudget(specs[w].name, readyBefore, wasReady, workloads.desiredHealthy(w));
      if (broken !== null) violations.record(nowMs, WORKLOAD_BUDGET, broken);
    },
    nodeWentDown: (nodeId, nowMs) => {
      for (const instance of table.instancesOn(nodeId)) onDownNode(instance, nodeId, nowMs);
    },
    becameReady: (instance, nodeId, nowMs) => {
      if (!workloads.isUp(nodeId)) onDownNode(instance, nodeId, nowMs);
    },
    servingChanged: (w, nowMs) => {
      const below = workloads.ready(w) < workloads.desiredHealthy(w);
      if (!below) belowSinceMs[w] = null;
      else if (belowSinceMs[w] === null) belowSinceMs[w] = nowMs;
    },
  });
  let judged = false;
  return {
    finish(nowMs: number): void {
      if (judged) return;
      judged = true;
      for (const found of instancesOnDownNodes(table, (nodeId) => workloads.isUp(nodeId))) violations.record(nowMs, WORKLOAD_DOWN_NODE, found);
      if (faults.applied === 0 || faults.unhealed.length > 0) return;
      const deadlineMs = faults.lastHealMs + scenario.liveness.bound;
      if (deadlineMs > nowMs) return;
      const stuck = specs.map((spec, w) => ({ name: spec.name, desiredHealthy: workloads.desiredHealthy(w) }));
      const below = workloadsBelowMin(table, stuck);
      below.forEach((message) => {
        const w = specs.findIndex((spec) => message.startsWith(`workload ${spec.name}:`));
        const since = w >= 0 ? belowSinceMs[w] : null;
        if (since !== null && since <= deadlineMs) {
          violations.record(deadlineMs, WORKLOAD_LIVENESS, `${message} (below since ${since}ms; faults healed at ${faults.lastHealMs}ms, bound ${scenario.liveness.bound}ms)`);
        }
      });
    },
  };
}
