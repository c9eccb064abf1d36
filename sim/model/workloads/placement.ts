import { fail } from '../../engine/assert.ts';

/** Where a workload's instances may go and how they are laid out (scenario `workloads[].placement`). */
export type Placement = 'spread' | 'pack';

/** The nodes a placement chooses from: their zone, and how many more instances each can take. */
export interface PlacementNode {
  id: number;
  zone: string;
}

/**
 * Places `replicas` instances on `nodes` (already filtered to the workload's fleet groups and to
 * nodes that are up and not cordoned), given each node's free slots. Returns one node id per
 * instance, or fewer ids when the nodes lack room (the rest stay Pending, as an unschedulable pod).
 *
 * spread: round-robin over zones (sorted by name), and inside a zone the node with the fewest of this
 * workload's instances first, ties by id: the effect of kube-scheduler's PodTopologySpread over
 * topology.kubernetes.io/zone then kubernetes.io/hostname (kubernetes
 * pkg/scheduler/framework/plugins/podtopologyspread/scoring.go, Score: fewer matching pods scores
 * higher), without its scoring weights.
 * pack: fill nodes in id order up to their free slots (the NodeResourcesFit MostAllocated strategy,
 * pkg/scheduler/framework/plugins/noderesources/most_allocated.go).
 * Deterministic: no randomness, so a placement depends only on the scenario.
 */
export function place(
  placement: Placement,
  replicas: number,
  nodes: readonly PlacementNode[],
  freeSlots: (nodeId: number) => number,
  alreadyOn: (nodeId: number) => number = () => 0,
): number[] {
  if (!(Number.isInteger(replicas) && replicas >= 0)) fail(`place: replicas ${replicas} is not a count`);
  const free = new Map<number, number>();
  const mine = new Map<number, number>();
  for (const node of nodes) {
    free.set(node.id, Math.max(0, freeSlots(node.id)));
    mine.set(node.id, alreadyOn(node.id));
  }
  const chosen: number[] = [];
  if (placement === 'pack') {
    const byId = [...nodes].sort((a, b) => a.id - b.id);
    for (const node of byId) {
      while (chosen.length < replicas && (free.get(node.id) ?? 0) > 0) {
        chosen.push(node.id);
        free.set(node.id, (free.get(node.id) ?? 0) - 1);
      }
    }
    return chosen;
  }
  const zones = new Map<string, PlacementNode[]>();
  for (const node of nodes) {
    const list = zones.get(node.zone);
    if (list === undefined) zones.set(node.zone, [node]);
    else list.push(node);
  }
  const zoneNames = [...zones.keys()].sort();
  const zoneCount = new Map<string, number>();
  for (const zone of zoneNames) zoneCount.set(zone, (zones.get(zone) ?? []).reduce((n, node) => n + (mine.get(node.id) ?? 0), 0));
  // Bounded: each pass places one instance or proves that no zone has room.
  while (chosen.length < replicas) {
    let bestZone: string | undefined;
    let bestNode: PlacementNode | undefined;
    for (const zone of zoneNames) {
      const candidate = leastLoaded(zones.get(zone) ?? [], free, mine);
      if (candidate === undefined) continue;
      if (bestZone === undefined || (zoneCount.get(zone) ?? 0) < (zoneCount.get(bestZone) ?? 0)) {
        bestZone = zone;
        bestNode = candidate;
      }
    }
    if (bestZone === undefined || bestNode === undefined) break;
    chosen.push(bestNode.id);
    free.set(bestNode.id, (free.get(bestNode.id) ?? 0) - 1);
    mine.set(bestNode.id, (mine.get(bestNode.id) ?? 0) + 1);
    zoneCount.set(bestZone, (zoneCount.get(bestZone) ?? 0) + 1);
  }
  return chosen;
}

function leastLoaded(
  nodes: readonly PlacementNode[],
  free: ReadonlyMap<number, number>,
  mine: ReadonlyMap<number, number>,
): PlacementNode | undefined {
  let best: PlacementNode | undefined;
  for (const node of nodes) {
    if ((free.get(node.id) ?? 0) <= 0) continue;
    if (
      best === undefined ||
      (mine.get(node.id) ?? 0) < (mine.get(best.id) ?? 0) ||
      ((mine.get(node.id) ?? 0) === (mine.get(best.id) ?? 0) && node.id < best.id)
    ) {
      best = node;
    }
  }
  return best;
}
