import { fail } from '../../engine/assert.ts';

/**
 * A 4-ary min-heap of node ids keyed by (time, node id), on typed arrays, with removal and
 * re-keying of any node in O(log n) (each node's position is tracked). Ties break by the lower
 * node id, so the order never depends on insertion history (nor on the heap's arity).
 *
 * Keys sit beside the node ids in heap order (`heapKey[i]` is the key of `heap[i]`), not in an
 * array indexed by node: a sift then compares four adjacent keys instead of fetching one key per
 * child from anywhere in a million-entry array (the lock waiters' ramp holds up to the whole
 * fleet; this was a tenth of a 1M-node run's time, most of it waiting on memory).
 */
const ARITY_SHIFT = 2; // 4 children per node
const ARITY = 1 << ARITY_SHIFT;

export class NodeHeap {
  private readonly heap: Int32Array;
  private readonly heapKey: Float64Array;
  private readonly position: Int32Array;
  private length = 0;

  constructor(nodeCount: number) {
    this.heap = new Int32Array(nodeCount);
    this.heapKey = new Float64Array(nodeCount);
    this.position = new Int32Array(nodeCount).fill(-1);
  }

  get size(): number {
    return this.length;
  }

  has(node: number): boolean {
    return this.position[node] >= 0;
  }

  /** The node with the smallest key (-1 when empty). */
  peek(): number {
    return this.length === 0 ? -1 : this.heap[0];
  }

  keyOf(node: number): number {
    const at = this.position[node];
    if (at < 0) fail(`node ${node} is not in the heap`);
    return this.heapKey[at];
  }

  push(node: number, keyMs: number): void {
    if (this.position[node] >= 0) fail(`node ${node} is already in the heap`);
    this.up(this.length++, node, keyMs);
  }

  remove(node: number): void {
    const at = this.position[node];
    if (at < 0) fail(`node ${node} is not in the heap`);
    this.position[node] = -1;
    this.length--;
    if (at === this.length) return;
    // The last entry fills the hole: it may belong above it (it came from another subtree) or
    // below it.
    this.place(at, this.heap[this.length], this.heapKey[this.length]);
  }

  /** Gives a node already in the heap a new key (one sift instead of a removal and a push). */
  rekey(node: number, keyMs: number): void {
    const at = this.position[node];
    if (at < 0) fail(`node ${node} is not in the heap`);
    this.place(at, node, keyMs);
  }

  /** Puts (node, key) at the hole `at` and sifts it the way it must go. */
  private place(at: number, node: number, key: number): void {
    if (at > 0) {
      const parent = (at - 1) >> ARITY_SHIFT;
      const parentKey = this.heapKey[parent];
      if (precedes(key, node, parentKey, this.heap[parent])) {
        this.up(at, node, key);
        return;
      }
    }
    this.down(at, node, key);
  }

  /** Sifts (node, key) up from the hole at index i. */
  private up(i: number, node: number, key: number): void {
    const heap = this.heap;
    const heapKey = this.heapKey;
    while (i > 0) {
      const parent = (i - 1) >> ARITY_SHIFT;
      const p = heap[parent];
      const pk = heapKey[parent];
      if (!precedes(key, node, pk, p)) break;
      heap[i] = p;
      heapKey[i] = pk;
      this.position[p] = i;
      i = parent;
    }
    heap[i] = node;
    heapKey[i] = key;
    this.position[node] = i;
  }

  /** Sifts (node, key) down from the hole at index i. */
  private down(i: number, node: number, key: number): void {
    const heap = this.heap;
    const heapKey = this.heapKey;
    const n = this.length;
    for (;;) {
      const first = (i << ARITY_SHIFT) + 1;
      if (first >= n) break;
      // The smallest of up to four children, by (key, node).
      let best = first;
      let bestKey = heapKey[first];
      let bestNode = heap[first];
      const end = Math.min(first + ARITY, n);
      for (let c = first + 1; c < end; c++) {
        const ck = heapKey[c];
        if (precedes(ck, heap[c], bestKey, bestNode)) {
          best = c;
          bestKey = ck;
          bestNode = heap[c];
        }
      }
      if (!precedes(bestKey, bestNode, key, node)) break;
      heap[i] = bestNode;
      heapKey[i] = bestKey;
      this.position[bestNode] = i;
      i = best;
    }
    heap[i] = node;
    heapKey[i] = key;
    this.position[node] = i;
  }
}

/** (keyA, nodeA) comes before (keyB, nodeB): the earlier key, ties to the lower node id. */
function precedes(keyA: number, nodeA: number, keyB: number, nodeB: number): boolean {
  return keyA < keyB || (keyA === keyB && nodeA < nodeB);
}
