/**
 * NodeHeap (sim/model/world/node-heap.ts), the lock waiters' ramp: after any sequence of pushes
 * and removals, popping yields the nodes in (key, node id) order, as sorting them would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeHeap } from '../../../sim/model/world/node-heap.ts';

describe('NodeHeap', () => {
  it('pops in (key, node) order after random pushes and removals, ties to the lower node id', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 }), (ops) => {
        const heap = new NodeHeap(64);
        const model = new Map<number, number>();
        for (const [node, key, removeIt] of ops) {
          if (model.has(node)) {
            if (removeIt) {
              heap.remove(node);
              model.delete(node);
            }
          } else {
            heap.push(node, key);
            model.set(node, key);
          }
        }
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
      }),
      { numRuns: 300 },
    );
  });
});
