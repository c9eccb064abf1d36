import { assert } from '../../engine/assert.ts';
import type { Placement, PlacementNode } from './placement.ts';

/**
 * Where the next instance of a workload goes, kept incrementally so that a node going down and
 * up costs O(workloads x log nodes), not a scan of the fleet (placement.ts's `place` rebuilds
 * its heaps per call: about 70 ms per node down/up at 10,000 nodes x 100,000 instances).
 *
 * The same choice as `place`: spread = the zone (by name) with the fewest of the workload's
 * instances among zones with a node that can take one, and in it the node with the fewest, ties
 * by id (kube-scheduler PodTopologySpread over zone then hostname); pack = the lowest node id
 * (NodeResourcesFit MostAllocated, no capacity modelled). One difference: a zone's count here is
 * every instance of the workload on the zone's nodes, including stopped ones on a down node (a
 * systemd unit waiting for its machine), where `place` counts only the candidate nodes'.
 *
 * Lazy heaps: an entry is (count, node) packed in one number; it is valid while the node can
 * take instances and the count is still the node's. A change pushes a new entry; stale ones
 * are dropped when they reach the top, and a heap that grows past 4x its zone's nodes is
 * rebuilt, so the heaps stay bounded.
 */
const NODE_BITS = 2 ** 24;

export interface SchedulerView {
  /** The node is up and not cordoned. */
  eligible(nodeId: number): boolean;
  allowed(workload: number, nodeId: number): boolean;
  /** Instances of the workload on the node (any state). */
  countOn(nodeId: number, workload: number): number;
}

export class Scheduler {
  /** heaps[w][z]: workload w's candidate entries in zone z (pack: one heap, z = 0). */
  private readonly heaps: number[][][];
  /** zoneCount[w][z]: instances of w on the nodes of zone z. */
  private readonly zoneCount: Int32Array[];
  private readonly nodeZone: Int32Array;
  private readonly zoneNodes: number[][];

  constructor(
    private readonly placements: readonly Placement[],
    nodes: readonly PlacementNode[],
    private readonly view: SchedulerView,
  ) {
    const zoneNames = [...new Set(nodes.map((n) => n.zone))].sort();
    const zoneIndex = new Map(zoneNames.map((z, i) => [z, i]));
    const nodeCount = nodes.reduce((n, node) => Math.max(n, node.id + 1), 0);
    assert(nodeCount < NODE_BITS, `Scheduler: ${nodeCount} nodes (at most ${NODE_BITS - 1})`);
    this.nodeZone = new Int32Array(nodeCount).fill(-1);
    this.zoneNodes = zoneNames.map(() => []);
    for (const node of nodes) {
      const z = zoneIndex.get(node.zone) as number;
      this.nodeZone[node.id] = z;
      this.zoneNodes[z].push(node.id);
    }
    this.heaps = placements.map((p) => (p === 'pack' ? [[]] : zoneNames.map(() => [])));
    this.zoneCount = placements.map(() => new Int32Array(zoneNames.length));
    for (const node of nodes) this.nodeEligible(node.id);
  }

  /** The node can take instances again (up, uncordoned): it is a candidate of every workload allowed on it. */
  nodeEligible(nodeId: number): void {
    for (let w = 0; w < this.placements.length; w++) this.offer(w, nodeId);
  }

  /** An instance of `workload` arrived on (+1) or left (-1) the node. */
  countChanged(nodeId: number, workload: number, delta: 1 | -1): void {
    this.zoneCount[workload][this.nodeZone[nodeId]] += delta;
    if (this.placements[workload] === 'spread') this.offer(workload, nodeId);
  }

  /** The node for the next instance of `workload`, or -1 when no node can take it. */
  choose(workload: number): number {
    const heaps = this.heaps[workload];
    if (this.placements[workload] === 'pack') return this.validTop(workload, 0) ? heapPop(heaps[0]) % NODE_BITS : -1;
    const counts = this.zoneCount[workload];
    let best = -1;
    for (let z = 0; z < heaps.length; z++) {
      if (!this.validTop(workload, z)) continue;
      if (best < 0 || counts[z] < counts[best]) best = z;
    }
    return best < 0 ? -1 : heapPop(heaps[best]) % NODE_BITS;
  }

  /** Heap entries held (for the bound's test and memory figures). */
  entries(): number {
    let total = 0;
    for (const heaps of this.heaps) for (const heap of heaps) total += heap.length;
    return total;
  }

  private offer(w: number, nodeId: number): void {
    if (!this.view.eligible(nodeId) || !this.view.allowed(w, nodeId)) return;
    const pack = this.placements[w] === 'pack';
    const z = pack ? 0 : this.nodeZone[nodeId];
    const heap = this.heaps[w][z];
    heapPush(heap, this.key(w, nodeId));
    const bound = 4 * (pack ? this.nodeZone.length : this.zoneNodes[z].length) + 64;
    if (heap.length > bound) this.rebuild(w, z);
  }

  private key(w: number, nodeId: number): number {
    return this.placements[w] === 'pack' ? nodeId : this.view.countOn(nodeId, w) * NODE_BITS + nodeId;
  }

  /** Drops stale entries off the top; true when a valid one is left there. Bounded by the heap's size. */
  private validTop(w: number, z: number): boolean {
    const heap = this.heaps[w][z];
    while (heap.length > 0) {
      const nodeId = heap[0] % NODE_BITS;
      if (this.view.eligible(nodeId) && this.view.allowed(w, nodeId) && this.key(w, nodeId) === heap[0]) return true;
      heapPop(heap);
    }
    return false;
  }

  private rebuild(w: number, z: number): void {
    const heap = this.heaps[w][z];
    heap.length = 0;
    const ids = this.placements[w] === 'pack' ? this.zoneNodes.flat() : this.zoneNodes[z];
    for (const nodeId of ids) if (this.view.eligible(nodeId) && this.view.allowed(w, nodeId)) heapPush(heap, this.key(w, nodeId));
  }
}

function heapPush(heap: number[], key: number): void {
  heap.push(key);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= key) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = key;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop() as number;
  const n = heap.length;
  if (n === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const m = r < n && heap[r] < heap[l] ? r : l;
    if (heap[m] >= last) break;
    heap[i] = heap[m];
    i = m;
  }
  heap[i] = last;
  return top;
}
