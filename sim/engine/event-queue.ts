import { assert, fail } from './assert.ts';
import { asDoubleFields } from './representation.ts';

/**
 * A priority queue of events keyed by (time in ms, sequence number), on typed arrays.
 *
 * Why typed arrays: a heap of objects runs at ~0.4M ops/s with 100k pending events on our
 * machines, a heap of numbers at 2-2.7M/s (docs/sources.md "Shortcuts"). Why a 4-ary heap: half the depth
 * of a binary heap, and the four children of a node sit next to each other in memory.
 *
 * Each event lives in a slot (kind, target, arg) and the heap holds (time, seq, slot) inline, so
 * comparisons touch contiguous memory. Cancellation is indexed: a slot knows its heap position and
 * is removed in O(log n). A handle packs (generation, slot) so that a stale handle (its event
 * already ran or was cancelled, the slot reused) is recognised and ignored.
 *
 * Ties break on the sequence number, which rises with every schedule: events at the same time run
 * first in, first out, never by the accident of heap layout.
 */
export const SLOT_BITS = 24;
const SLOT_COUNT_MAX = 1 << SLOT_BITS;
const SLOT_MASK = SLOT_COUNT_MAX - 1;

/** An event handle: `generation * 2^24 + slot`. Always > 0 for a live event. */
export type EventHandle = number;

/**
 * Generations start at 2^8, so that every handle is at least 2^32 and never a small integer: code
 * that stores handles (timer tables, request records) sees one number representation from the
 * start. Handles that began as small integers and outgrew them part way through a run cost every
 * optimized function that had stored one a deoptimization (V8's "overflow", "lost precision").
 */
const GENERATION_FIRST = 256;

/**
 * "No event" for a field that holds handles. Not a small integer, for the reason above: the
 * field is a double from its first value on. Never pending: cancel and isPending ignore it.
 */
export const NO_EVENT: EventHandle = -1.5;
const GENERATION_LIMIT = 0x1fffffff;

export class EventQueue {
  // Heap, position-indexed.
  private heapTime: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  // Slots, slot-indexed.
  private slotKind: Int32Array;
  private slotTarget: Int32Array;
  private slotArg: Float64Array;
  private slotHeapIndex: Int32Array; // -1 when free
  private slotGeneration: Uint32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;

  private count = 0;
  private nextSeq = 1;
  readonly capacityMax: number;

  // The event popped last, read by the caller after pop().
  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;
  poppedArg = 0;

  constructor(initialCapacity = 1024, capacityMax = SLOT_COUNT_MAX - 1) {
    assert(initialCapacity >= 1, 'queue capacity must be positive');
    if (!(capacityMax <= SLOT_COUNT_MAX - 1)) fail(`queue capacity is limited to ${SLOT_COUNT_MAX - 1}`);
    this.capacityMax = capacityMax;
    const capacity = Math.min(initialCapacity, capacityMax);
    this.heapTime = new Float64Array(capacity);
    this.heapSeq = new Float64Array(capacity);
    this.heapSlot = new Int32Array(capacity);
    this.slotKind = new Int32Array(capacity);
    this.slotTarget = new Int32Array(capacity);
    this.slotArg = new Float64Array(capacity);
    this.slotHeapIndex = new Int32Array(capacity).fill(-1);
    this.slotGeneration = new Uint32Array(capacity).fill(GENERATION_FIRST);
    this.freeSlots = new Int32Array(capacity);
    asDoubleFields(this, 'poppedTime', 'poppedArg');
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.heapTime[0];
  }

  push(time: number, kind: number, target: number, arg: number): EventHandle {
    // Hot path: test first, build the message only on failure.
    if (!(time >= 0 && time < Infinity)) throw new RangeError(`event time must be finite and >= 0, got ${time}`);
    if (this.count === this.heapTime.length) this.grow();
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.slotsUsed++;
    this.slotKind[slot] = kind;
    this.slotTarget[slot] = target;
    this.slotArg[slot] = arg;
    const seq = this.nextSeq++;
    this.siftUp(this.count++, time, seq, slot);
    return this.slotGeneration[slot] * SLOT_COUNT_MAX + slot;
  }

  /** Removes the earliest event; its fields are left in popped*. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const slot = this.heapSlot[0];
    this.poppedTime = this.heapTime[0];
    this.poppedKind = this.slotKind[slot];
    this.poppedTarget = this.slotTarget[slot];
    this.poppedArg = this.slotArg[slot];
    this.removeAt(0);
    this.freeSlot(slot);
    return true;
  }

  /** Cancels a pending event. Returns false when the handle is stale (ran, cancelled, unknown). */
  cancel(handle: EventHandle): boolean {
    if (!(handle > 0)) return false;
    const slot = handle & SLOT_MASK;
    const generation = Math.floor(handle / SLOT_COUNT_MAX);
    if (slot >= this.slotsUsed) return false;
    if (this.slotGeneration[slot] !== generation) return false;
    const index = this.slotHeapIndex[slot];
    if (index < 0) return false;
    this.removeAt(index);
    this.freeSlot(slot);
    return true;
  }

  /** True while the event of this handle is pending. */
  isPending(handle: EventHandle): boolean {
    if (!(handle > 0)) return false;
    const slot = handle & SLOT_MASK;
    return (
      slot < this.slotsUsed &&
      this.slotGeneration[slot] === Math.floor(handle / SLOT_COUNT_MAX) &&
      this.slotHeapIndex[slot] >= 0
    );
  }

  /** Kind of a pending event, or -1 when the handle is stale. */
  kindOf(handle: EventHandle): number {
    return this.isPending(handle) ? this.slotKind[handle & SLOT_MASK] : -1;
  }

  /** Target of a pending event, or -1 when the handle is stale. */
  targetOf(handle: EventHandle): number {
    return this.isPending(handle) ? this.slotTarget[handle & SLOT_MASK] : -1;
  }

  /** Time of a pending event, or NaN when the handle is stale. */
  timeOf(handle: EventHandle): number {
    if (!this.isPending(handle)) return NaN;
    return this.heapTime[this.slotHeapIndex[handle & SLOT_MASK]];
  }

  private freeSlot(slot: number): void {
    this.slotHeapIndex[slot] = -1;
    // Generations wrap far beyond any run's length, back to the first (handles stay above 2^32).
    const next = this.slotGeneration[slot] + 1;
    this.slotGeneration[slot] = next === GENERATION_LIMIT ? GENERATION_FIRST : next;
    this.freeSlots[this.freeCount++] = slot;
  }

  private removeAt(index: number): void {
    const last = --this.count;
    if (index === last) return;
    const time = this.heapTime[last];
    const seq = this.heapSeq[last];
    const slot = this.heapSlot[last];
    // The moved element may need to go either way.
    if (index > 0 && less(time, seq, this.heapTime[(index - 1) >> 2], this.heapSeq[(index - 1) >> 2])) {
      this.siftUp(index, time, seq, slot);
    } else {
      this.siftDown(index, time, seq, slot);
    }
  }

  private siftUp(index: number, time: number, seq: number, slot: number): void {
    const ht = this.heapTime, hs = this.heapSeq, hslot = this.heapSlot, where = this.slotHeapIndex;
    while (index > 0) {
      const parent = (index - 1) >> 2;
      const pt = ht[parent];
      if (pt < time || (pt === time && hs[parent] < seq)) break;
      ht[index] = pt;
      hs[index] = hs[parent];
      const ps = hslot[parent];
      hslot[index] = ps;
      where[ps] = index;
      index = parent;
    }
    ht[index] = time;
    hs[index] = seq;
    hslot[index] = slot;
    where[slot] = index;
  }

  private siftDown(index: number, time: number, seq: number, slot: number): void {
    const ht = this.heapTime, hs = this.heapSeq, hslot = this.heapSlot, where = this.slotHeapIndex;
    const n = this.count;
    for (;;) {
      const first = (index << 2) + 1;
      if (first >= n) break;
      let best = first;
      let bt = ht[first];
      let bs = hs[first];
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        const ct = ht[c];
        if (ct < bt || (ct === bt && hs[c] < bs)) {
          best = c;
          bt = ct;
          bs = hs[c];
        }
      }
      if (time < bt || (time === bt && seq < bs)) break;
      ht[index] = bt;
      hs[index] = bs;
      const bslot = hslot[best];
      hslot[index] = bslot;
      where[bslot] = index;
      index = best;
    }
    ht[index] = time;
    hs[index] = seq;
    hslot[index] = slot;
    where[slot] = index;
  }

  private grow(): void {
    const old = this.heapTime.length;
    if (old >= this.capacityMax) {
      throw new QueueFullError(this.capacityMax);
    }
    const capacity = Math.min(old * 2, this.capacityMax);
    this.heapTime = growF64(this.heapTime, capacity);
    this.heapSeq = growF64(this.heapSeq, capacity);
    this.heapSlot = growI32(this.heapSlot, capacity);
    this.slotKind = growI32(this.slotKind, capacity);
    this.slotTarget = growI32(this.slotTarget, capacity);
    this.slotArg = growF64(this.slotArg, capacity);
    const where = new Int32Array(capacity).fill(-1);
    where.set(this.slotHeapIndex);
    this.slotHeapIndex = where;
    const generation = new Uint32Array(capacity).fill(GENERATION_FIRST);
    generation.set(this.slotGeneration);
    this.slotGeneration = generation;
    this.freeSlots = growI32(this.freeSlots, capacity);
  }
}

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(readonly capacity: number) {
    super(
      `the event queue is full: ${capacity.toLocaleString('en-US')} pending events ` +
        `(raise limits.maxPendingEvents if the scenario really needs more)`,
    );
  }
}

/**
 * Runs every path of the heap once, on a scratch queue, when the module loads. V8 optimizes a
 * hot function with the type feedback it has collected so far: while a run's heap is small, the
 * sibling loop of siftDown, the tie breaks and the moves of removeAt have none, and the first
 * large heap then deoptimizes every function that inlined them (the event loop among them), each
 * compiled again. Fractional times, ties and cancellations, a few hundred operations: well under
 * a millisecond, and no state shared with any simulation.
 */
function primeHeapPaths(): void {
  const queue = new EventQueue(4);
  const handles: EventHandle[] = [];
  let x = 0.37;
  for (let round = 0; round < 2; round++) {
    // Times from a few values, so that ties meet every comparison.
    for (let i = 0; i < 128; i++) {
      x = (x * 7.31 + 0.59) % 13;
      handles.push(queue.push(Math.floor(x) + 0.5, 1, i, x));
    }
    for (let i = round; i < handles.length; i += 3) queue.cancel(handles[i]);
    handles.length = 0;
    for (let i = 0; i < 32 && queue.pop(); i++) queue.push(queue.poppedTime + Math.floor(x), queue.poppedKind, queue.poppedTarget, queue.poppedArg);
  }
  while (queue.pop());
}

primeHeapPaths();

function less(t1: number, s1: number, t2: number, s2: number): boolean {
  return t1 < t2 || (t1 === t2 && s1 < s2);
}

function growF64(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, capacity: number): Int32Array {
  const b = new Int32Array(capacity);
  b.set(a);
  return b;
}
