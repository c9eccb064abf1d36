/**
 * NodeHeap (sim/model/world/node-heap.ts), the lock waiters' ramp: after any sequence of pushes
 * and removals, popping yields the nodes in (key, node id) order, as sorting them would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeHeap } from '../../../sim/model/world/node-heap.ts';
import { reach } from '../../reach.ts';

const NODES = 512;

describe('NodeHeap', () => {
  it('pops in (key, node) order after random pushes and removals, ties to the lower node id, with hundreds of nodes in the heap', () => {
    // Sized explicitly (fast-check's default would build heaps of a handful of nodes): 512 node
    // ids, 400-1,500 operations of which 3 in 4 push (when the node is not in yet), so the heap
    // holds hundreds of nodes; keys from a narrow range give ties; removals hit the middle.
    const depth = reach();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: NODES - 1 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), { minLength: 400, maxLength: 1_500 }),
        (ops) => {
          const heap = new NodeHeap(NODES);
          const model = new Map<number, number>();
          let largest = 0;
          for (const [node, key, dice] of ops) {
            if (model.has(node)) {
              if (dice === 0) {
                heap.remove(node);
                model.delete(node);
              }
            } else if (dice > 0) {
              heap.push(node, key);
              model.set(node, key);
            }
            largest = Math.max(largest, heap.size);
          }
          depth.record(largest);
          expect(heap.size).toBe(model.size);
          const expected = [...model].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([node]) => node);
          const popped: number[] = [];
          while (heap.size > 0) {
            const node = heap.peek();
            popped.push(node);
            heap.remove(node);
            expect(heap.has(node)).toBe(false);
          }
          expect(popped).toEqual(expected);
          expect(heap.peek()).toBe(-1);
        },
      ),
      { numRuns: 100 },
    );
    const { median, max } = depth.summary();
    expect(median, 'the median case must hold at least 150 nodes').toBeGreaterThanOrEqual(150);
    expect(max, 'some case must hold at least 300 nodes').toBeGreaterThanOrEqual(300);
  });

  it('moves the last node up when it replaces a removed node under a later parent (values by hand)', () => {
    // Node i pushed at heap index i with keys that keep it there (each at least its parent's):
    // the left subtree (1, 3, 4, 7-10) holds keys >= 100; under node 2 (10), node 5 (40) has
    // children 11, 12 (41, 42) and node 6 (20) has children 13, 14 (21, 30). Removing node 11
    // moves the last node, 14 (30), under node 5 (40): it must rise above node 5, or 40 would
    // pop before 30. Nodes 15-24 (keys 200-209) pushed afterwards fill the end of the array, so
    // that pops move them, not node 14, to the root (which would hide the fault).
    const keys = [0, 100, 10, 110, 120, 40, 20, 111, 112, 121, 122, 41, 42, 21, 30];
    const heap = new NodeHeap(25);
    keys.forEach((key, node) => heap.push(node, key));
    heap.remove(11);
    for (let node = 15; node < 25; node++) heap.push(node, 185 + node);
    const popped: number[] = [];
    while (heap.size > 0) {
      popped.push(heap.peek());
      heap.remove(heap.peek());
    }
    expect(popped).toEqual([0, 2, 6, 13, 14, 5, 12, 1, 3, 7, 8, 4, 9, 10, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });

  it('breaks ties by the lower node id whatever the insertion order', () => {
    const heap = new NodeHeap(6);
    for (const node of [5, 2, 4, 0, 3, 1]) heap.push(node, 7);
    const popped: number[] = [];
    while (heap.size > 0) {
      popped.push(heap.peek());
      heap.remove(heap.peek());
    }
    expect(popped).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
