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
 *
 * Over 400 lines, knowingly: the heap and the FIFO lane share one slot table, one handle space and
 * one sequence counter (a handle must cancel an event wherever it waits, and ties between the two
 * must break on the same sequence), and both sit on the hottest path of every run; a lane in its
 * own class would reach into the slot arrays through another object on every push and pop.
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

// slotHeapIndex values besides a heap position (>= 0): a free slot; a cancelled event still in
// the FIFO lane (below; its slot is freed when it reaches the lane's head); a live one in the lane
// at ring index r holds LANE_BASE - r.
const SLOT_FREE = -1;
const SLOT_DEAD_IN_LANE = -2;
const LANE_BASE = -3;

export class EventQueue {
  // Heap, position-indexed.
  private heapTime: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  // Slots, slot-indexed.
  private slotKind: Int32Array;
  private slotTarget: Int32Array;
  private slotArg: Float64Array;
  private slotHeapIndex: Int32Array; // heap position, SLOT_FREE, SLOT_DEAD_IN_LANE or LANE_BASE - ring index
  private slotGeneration: Uint32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;

  private count = 0; // events in the heap

  /**
   * The FIFO lane (pushFifo): events pushed at non-decreasing times, such as request timeouts a
   * fixed delay after now, most of them cancelled before they fire. They take their sequence
   * number like any event and pop in the same (time, seq) order, but cost no heap work: an append
   * here, a flag on cancel. A ring of (time, seq, slot), its head the earliest.
   */
  private laneTime = new Float64Array(64);
  private laneSeq = new Float64Array(64);
  private laneSlot = new Int32Array(64);
  private laneHead = 0; // ring index of the first entry
  private laneLength = 0; // entries, cancelled ones included
  private laneLive = 0; // entries not cancelled
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
    return this.count + this.laneLive;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    const heapTime = this.count === 0 ? Infinity : this.heapTime[0];
    if (this.laneLength === 0 || this.laneFront() < 0) return heapTime;
    const laneTime = this.laneTime[this.laneHead];
    return laneTime < heapTime ? laneTime : heapTime;
  }

  push(time: number, kind: number, target: number, arg: number): EventHandle {
    // Hot path: test first, build the message only on failure.
    if (!(time >= 0 && time < Infinity)) throw new RangeError(`event time must be finite and >= 0, got ${time}`);
    const slot = this.takeSlot(kind, target, arg);
    const seq = this.nextSeq++;
    this.siftUp(this.count++, time, seq, slot);
    return this.slotGeneration[slot] * SLOT_COUNT_MAX + slot;
  }

  /**
   * push() for an event whose time is at or after every time pushed here before (a fixed delay
   * after now): the same order of events, without heap work. An earlier time goes to the heap.
   */
  pushFifo(time: number, kind: number, target: number, arg: number): EventHandle {
    if (!(time >= 0 && time < Infinity)) throw new RangeError(`event time must be finite and >= 0, got ${time}`);
    if (this.laneLength > 0 && time < this.laneTime[(this.laneHead + this.laneLength - 1) & (this.laneTime.length - 1)]) {
      return this.push(time, kind, target, arg);
    }
    const slot = this.takeSlot(kind, target, arg);
    if (this.laneLength === this.laneTime.length) this.growLane();
    const at = (this.laneHead + this.laneLength) & (this.laneTime.length - 1);
    this.laneTime[at] = time;
    this.laneSeq[at] = this.nextSeq++;
    this.laneSlot[at] = slot;
    this.laneLength++;
    this.laneLive++;
    this.slotHeapIndex[slot] = LANE_BASE - at;
    return this.slotGeneration[slot] * SLOT_COUNT_MAX + slot;
  }

  /** Removes the earliest event; its fields are left in popped*. Returns false when empty. */
  pop(): boolean {
    if (this.laneLength > 0 && this.laneFront() >= 0) {
      const h = this.laneHead;
      if (this.count === 0 || less(this.laneTime[h], this.laneSeq[h], this.heapTime[0], this.heapSeq[0])) {
        const slot = this.laneSlot[h];
        this.poppedTime = this.laneTime[h];
        this.poppedKind = this.slotKind[slot];
        this.poppedTarget = this.slotTarget[slot];
        this.poppedArg = this.slotArg[slot];
        this.laneHead = (h + 1) & (this.laneTime.length - 1);
        this.laneLength--;
        this.laneLive--;
        this.freeSlot(slot);
        return true;
      }
    }
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
    if (index <= LANE_BASE) {
      // Left in the ring, flagged; its slot is freed when it reaches the head. The generation
      // moves on now, so that the handle is stale at once.
      this.slotHeapIndex[slot] = SLOT_DEAD_IN_LANE;
      this.slotGeneration[slot] = nextGeneration(generation);
      this.laneLive--;
      return true;
    }
    if (index < 0) return false;
    this.removeAt(index);
    this.freeSlot(slot);
    return true;
  }

  /** True while the event of this handle is pending. */
  isPending(handle: EventHandle): boolean {
    if (!(handle > 0)) return false;
    const slot = handle & SLOT_MASK;
    if (!(slot < this.slotsUsed && this.slotGeneration[slot] === Math.floor(handle / SLOT_COUNT_MAX))) return false;
    const index = this.slotHeapIndex[slot];
    return index >= 0 || index <= LANE_BASE;
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
    const slot = handle & SLOT_MASK;
    const index = this.slotHeapIndex[slot];
    return index >= 0 ? this.heapTime[index] : this.laneTime[LANE_BASE - index];
  }

  private takeSlot(kind: number, target: number, arg: number): number {
    if (this.freeCount === 0 && this.slotsUsed === this.slotKind.length) this.makeRoom();
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.slotsUsed++;
    this.slotKind[slot] = kind;
    this.slotTarget[slot] = target;
    this.slotArg[slot] = arg;
    return slot;
  }

  private freeSlot(slot: number): void {
    this.slotHeapIndex[slot] = SLOT_FREE;
    this.slotGeneration[slot] = nextGeneration(this.slotGeneration[slot]);
    this.freeSlots[this.freeCount++] = slot;
  }

  /**
   * Drops cancelled entries at the lane's head, freeing their slots. Returns the head's ring
   * index, -1 when the lane is empty.
   */
  private laneFront(): number {
    const mask = this.laneTime.length - 1;
    while (this.laneLength > 0) {
      const slot = this.laneSlot[this.laneHead];
      if (this.slotHeapIndex[slot] !== SLOT_DEAD_IN_LANE) return this.laneHead;
      this.releaseDeadSlot(slot);
      this.laneHead = (this.laneHead + 1) & mask;
      this.laneLength--;
    }
    return -1;
  }

  /** A cancelled lane entry's slot becomes free (its generation moved on when it was cancelled). */
  private releaseDeadSlot(slot: number): void {
    this.slotHeapIndex[slot] = SLOT_FREE;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Every slot is taken: free those of cancelled lane entries, or grow. */
  private makeRoom(): void {
    if (this.laneLength > this.laneLive) this.compactLane();
    if (this.freeCount === 0) this.grow();
  }

  /** Removes every cancelled entry from the lane, keeping the others in order. */
  private compactLane(): void {
    const mask = this.laneTime.length - 1;
    let kept = 0;
    for (let k = 0; k < this.laneLength; k++) {
      const from = (this.laneHead + k) & mask;
      const slot = this.laneSlot[from];
      if (this.slotHeapIndex[slot] === SLOT_DEAD_IN_LANE) {
        this.releaseDeadSlot(slot);
        continue;
      }
      const to = (this.laneHead + kept) & mask;
      this.laneTime[to] = this.laneTime[from];
      this.laneSeq[to] = this.laneSeq[from];
      this.laneSlot[to] = slot;
      this.slotHeapIndex[slot] = LANE_BASE - to;
      kept++;
    }
    this.laneLength = kept;
    assert(kept === this.laneLive, 'lane: live entries miscounted');
  }

  private growLane(): void {
    const old = this.laneTime.length;
    const mask = old - 1;
    const time = new Float64Array(2 * old);
    const seq = new Float64Array(2 * old);
    const slot = new Int32Array(2 * old);
    for (let k = 0; k < this.laneLength; k++) {
      const from = (this.laneHead + k) & mask;
      time[k] = this.laneTime[from];
      seq[k] = this.laneSeq[from];
      slot[k] = this.laneSlot[from];
      if (this.slotHeapIndex[slot[k]] !== SLOT_DEAD_IN_LANE) this.slotHeapIndex[slot[k]] = LANE_BASE - k;
    }
    this.laneTime = time;
    this.laneSeq = seq;
    this.laneSlot = slot;
    this.laneHead = 0;
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
    const old = this.slotKind.length;
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
 * Runs every path of the heap and the FIFO lane once, on a scratch queue, when the module loads.
 * V8 optimizes a hot function with the type feedback it has collected so far: while a run's heap
 * is small, the sibling loop of siftDown, the tie breaks and the moves of removeAt have none, and
 * the first large heap then deoptimizes every function that inlined them (the event loop among
 * them), each compiled again. Fractional times, ties and cancellations, a few hundred operations:
 * well under a millisecond, and no state shared with any simulation.
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
    // The FIFO lane too: appends, cancels at its head and in its middle, pops against the heap.
    for (let i = 0; i < 96; i++) handles.push(queue.pushFifo(13 + i * 0.25, 1, i, x));
    for (let i = round; i < handles.length; i += 3) queue.cancel(handles[i]);
    handles.length = 0;
    for (let i = 0; i < 32 && queue.pop(); i++) queue.push(queue.poppedTime + Math.floor(x), queue.poppedKind, queue.poppedTarget, queue.poppedArg);
  }
  while (queue.pop());
}

primeHeapPaths();

// Generations wrap far beyond any run's length, back to the first (handles stay above 2^32).
function nextGeneration(generation: number): number {
  const next = generation + 1;
  return next === GENERATION_LIMIT ? GENERATION_FIRST : next;
}

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
