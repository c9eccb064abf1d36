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
  // One min-heap per zone of the nodes with room, keyed (this workload's instances, id):
  // O(replicas x (zones + log nodes)), so 100,000 instances over 10,000 nodes place in milliseconds.
  const heaps = new Map<string, NodeHeap>();
  for (const node of nodes) {
    if ((free.get(node.id) ?? 0) <= 0) continue;
    let heap = heaps.get(node.zone);
    if (heap === undefined) heaps.set(node.zone, (heap = new NodeHeap(mine)));
    heap.push(node.id);
  }
  const zoneNames = [...new Set(nodes.map((n) => n.zone))].sort();
  const zoneCount = new Map<string, number>();
  for (const node of nodes) zoneCount.set(node.zone, (zoneCount.get(node.zone) ?? 0) + (mine.get(node.id) ?? 0));
  // Bounded: each pass places one instance or finds no zone with room.
  while (chosen.length < replicas) {
    let bestZone: string | undefined;
    for (const zone of zoneNames) {
      if ((heaps.get(zone)?.size ?? 0) === 0) continue;
      if (bestZone === undefined || (zoneCount.get(zone) ?? 0) < (zoneCount.get(bestZone) ?? 0)) bestZone = zone;
    }
    if (bestZone === undefined) break;
    const heap = heaps.get(bestZone) as NodeHeap;
    const nodeId = heap.pop();
    chosen.push(nodeId);
    free.set(nodeId, (free.get(nodeId) ?? 0) - 1);
    mine.set(nodeId, (mine.get(nodeId) ?? 0) + 1);
    zoneCount.set(bestZone, (zoneCount.get(bestZone) ?? 0) + 1);
    if ((free.get(nodeId) ?? 0) > 0) heap.push(nodeId);
  }
  return chosen;
}

/** A binary min-heap of node ids keyed (count in `mine`, id). */
class NodeHeap {
  private readonly ids: number[] = [];

  constructor(private readonly mine: ReadonlyMap<number, number>) {}

  get size(): number {
    return this.ids.length;
  }

  push(id: number): void {
    const ids = this.ids;
    ids.push(id);
    let i = ids.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(ids[i], ids[parent])) break;
      [ids[i], ids[parent]] = [ids[parent], ids[i]];
      i = parent;
    }
  }

  pop(): number {
    const ids = this.ids;
    const top = ids[0];
    const last = ids.pop() as number;
    if (ids.length > 0) {
      ids[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < ids.length && this.less(ids[l], ids[m])) m = l;
        if (r < ids.length && this.less(ids[r], ids[m])) m = r;
        if (m === i) break;
        [ids[i], ids[m]] = [ids[m], ids[i]];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ca = this.mine.get(a) ?? 0;
    const cb = this.mine.get(b) ?? 0;
    return ca < cb || (ca === cb && a < b);
  }
}
