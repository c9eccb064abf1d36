/**
 * NodeHeap (sim/model/world/node-heap.ts), the lock waiters' ramp: after any sequence of pushes
 * re-keyings and removals, popping yields the nodes in (key, node id) order, as sorting them would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeHeap } from '../../../sim/model/world/node-heap.ts';
import { reach } from '../../reach.ts';

const NODES = 512;

describe('NodeHeap', () => {
  it('pops in (key, node) order after random pushes, re-keyings and removals, ties to the lower node id, with hundreds of nodes in the heap', () => {
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
              } else if (dice === 1) {
                heap.rekey(node, key);
                model.set(node, key);
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
    // A 4-ary heap: the children of index i are 4i+1 .. 4i+4. Node i is pushed at index i with
    // keys that keep it there (each at least its parent's): under the root (0), nodes 1-4 have
    // keys 50, 10, 60, 70; node 1's children are nodes 5-8 (51-54); node 2's first child is
    // node 9 (20), the last node. Removing node 5 moves node 9 (20) under node 1 (50): it must
    // rise above node 1, or 50 would pop before 20. Nodes 10-19 (keys 200-209) pushed afterwards
    // fill the end of the array, so that pops move them, not node 9, to the root (which would
    // hide the fault).
    const keys = [0, 50, 10, 60, 70, 51, 52, 53, 54, 20];
    const heap = new NodeHeap(20);
    keys.forEach((key, node) => heap.push(node, key));
    heap.remove(5);
    for (let node = 10; node < 20; node++) heap.push(node, 190 + node);
    const popped: number[] = [];
    while (heap.size > 0) {
      popped.push(heap.peek());
      heap.remove(heap.peek());
    }
    expect(popped).toEqual([0, 2, 9, 1, 6, 7, 8, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('re-keys a node either way: a later key sinks it below its old children, an earlier one lifts it to the top', () => {
    const heap = new NodeHeap(10);
    [5, 15, 25, 35, 45, 55, 65, 75, 85, 95].forEach((key, node) => heap.push(node, key));
    heap.rekey(0, 60); // node 0 (5 -> 60) now pops after 55 (node 5), before 65 (node 6)
    heap.rekey(9, 1); // node 9 (95 -> 1) now pops first
    heap.rekey(3, 25); // node 3 ties node 2 at 25: the lower id, node 2, first
    expect(heap.keyOf(0)).toBe(60);
    const popped: number[] = [];
    while (heap.size > 0) {
      popped.push(heap.peek());
      heap.remove(heap.peek());
    }
    expect(popped).toEqual([9, 1, 2, 3, 4, 5, 0, 6, 7, 8]);
    expect(() => heap.rekey(4, 1)).toThrow(/node 4 is not in the heap/);
    expect(() => heap.keyOf(4)).toThrow(/node 4 is not in the heap/);
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
