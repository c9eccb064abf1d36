import { InstanceState, type InstanceTable } from './instances.ts';

/**
 * The workload invariants, as pure functions over the instance table, for the run's checkers
 * (sim/checkers/) to call on every step that can break them. Each returns the violations it finds
 * (empty when the model is right), each a sentence naming the instance, node or workload.
 */

/**
 * Safety: a voluntary eviction never takes a workload below its PDB's desiredHealthy
 * (kubernetes pkg/registry/core/pod/storage/eviction.go, checkAndDecrement refuses it with 429).
 * `readyBefore` is the workload's ready count before the eviction, `wasReady` whether the evicted
 * instance was one of them. A forced reboot after a drain timeout is not a voluntary eviction: the
 * report counts it (`reboots.forced`), this check does not see it.
 */
export function evictionBreaksBudget(
  workloadName: string,
  readyBefore: number,
  wasReady: boolean,
  desiredHealthy: number,
): string | null {
  const readyAfter = wasReady ? readyBefore - 1 : readyBefore;
  if (wasReady && readyAfter < desiredHealthy) {
    return `workload ${workloadName}: a voluntary eviction left ${readyAfter} ready, below its budget's desiredHealthy ${desiredHealthy}`;
  }
  return null;
}

/** Safety: no instance is starting or ready on a node that is down. */
export function instancesOnDownNodes(table: InstanceTable, nodeIsUp: (nodeId: number) => boolean): string[] {
  const found: string[] = [];
  for (let i = 0; i < table.size; i++) {
    const node = table.node[i];
    const state = table.state[i];
    if (node >= 0 && (state === InstanceState.Starting || state === InstanceState.Ready) && !nodeIsUp(node)) {
      found.push(`instance ${i} is ${state === InstanceState.Ready ? 'ready' : 'starting'} on node ${node}, which is down`);
    }
  }
  return found;
}

/**
 * Liveness: once the faults have healed (and the run has quiesced), every workload has at least
 * its minAvailable ready again.
 */
export function workloadsBelowMin(
  table: InstanceTable,
  workloads: readonly { name: string; desiredHealthy: number }[],
): string[] {
  const found: string[] = [];
  workloads.forEach((workload, index) => {
    const ready = table.ready(index);
    if (ready < workload.desiredHealthy) {
      found.push(`workload ${workload.name}: ${ready} ready after the faults healed, below its minAvailable ${workload.desiredHealthy}`);
    }
  });
  return found;
}
