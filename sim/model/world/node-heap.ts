import { fail } from '../../engine/assert.ts';

/**
 * A binary min-heap of node ids keyed by (time, node id), on typed arrays, with removal of any
 * node in O(log n) (each node's position is tracked). Ties break by the lower node id, so the
 * order never depends on insertion history.
 */
export class NodeHeap {
  private readonly heap: Int32Array;
  private readonly position: Int32Array;
  private readonly key: Float64Array;
  private length = 0;

  constructor(nodeCount: number) {
    this.heap = new Int32Array(nodeCount);
    this.position = new Int32Array(nodeCount).fill(-1);
    this.key = new Float64Array(nodeCount);
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
    return this.key[node];
  }

  push(node: number, keyMs: number): void {
    if (this.position[node] >= 0) fail(`node ${node} is already in the heap`);
    this.key[node] = keyMs;
    this.heap[this.length] = node;
    this.position[node] = this.length;
    this.length++;
    this.up(this.length - 1);
  }

  remove(node: number): void {
    const at = this.position[node];
    if (at < 0) fail(`node ${node} is not in the heap`);
    this.position[node] = -1;
    this.length--;
    if (at === this.length) return;
    const last = this.heap[this.length];
    this.heap[at] = last;
    this.position[last] = at;
    this.down(at);
    this.up(this.position[last]);
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a];
    const kb = this.key[b];
    return ka < kb || (ka === kb && a < b);
  }

  private up(i: number): void {
    const heap = this.heap;
    const node = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (!this.less(node, p)) break;
      heap[i] = p;
      this.position[p] = i;
      i = parent;
    }
    heap[i] = node;
    this.position[node] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const node = heap[i];
    const n = this.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(heap[child + 1], heap[child])) child++;
      const c = heap[child];
      if (!this.less(c, node)) break;
      heap[i] = c;
      this.position[c] = i;
      i = child;
    }
    heap[i] = node;
    this.position[node] = i;
  }
}
