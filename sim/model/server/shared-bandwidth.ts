import { assert, fail } from '../../engine/assert.ts';

/**
 * Downloads sharing the update server's egress by processor sharing: with n transfers in
 * progress, each runs at min(nodeCap, total / n). All transfers then progress at the same rate,
 * so we track one "virtual bytes" clock V (bytes delivered to each transfer since the start) and
 * each transfer's finish point V0 + size in a min-heap: the next completion is the smallest
 * finish point, reached after (finish - V) / rate. A change in n only changes the rate. Exact,
 * and O(log n) per start, abort or completion.
 */
export class SharedBandwidth {
  private virtualBytes = 0;
  private lastUpdateMs = 0;
  private heapFinish = new Float64Array(64);
  private heapId = new Int32Array(64);
  private size = 0;
  /**
   * Heap position of each transfer id (a node number, below `idCount`), -1 when it is not
   * running. A Map here was ~5% of a 1M-node run: every sift step writes a position.
   */
  private readonly positionOf: Int32Array;
  private served = 0;
  private peak = 0;

  constructor(
    private totalBitsPerSecond: number,
    private readonly perTransferBitsPerSecond: number,
    idCount: number,
  ) {
    assert(totalBitsPerSecond > 0 && perTransferBitsPerSecond > 0, 'bandwidths must be positive');
    this.positionOf = new Int32Array(idCount).fill(-1);
  }

  get active(): number {
    return this.size;
  }

  get peakActive(): number {
    return this.peak;
  }

  /**
   * Bytes delivered so far, partial transfers included. Read-only: reading it (a report in mid-run,
   * the UI's samples) must not change the float accumulation that decides completion times.
   */
  bytesServed(nowMs: number): number {
    assert(nowMs >= this.lastUpdateMs, 'bandwidth time went backwards');
    return this.served + (nowMs - this.lastUpdateMs) * this.rateBytesPerMs() * this.size;
  }

  /** Bytes per ms each transfer receives now. */
  rateBytesPerMs(): number {
    if (this.size === 0) return 0;
    const bitsPerSecond = Math.min(this.perTransferBitsPerSecond, this.totalBitsPerSecond / this.size);
    return bitsPerSecond / 8 / 1000;
  }

  start(id: number, sizeBytes: number, nowMs: number): void {
    if (!(Number.isInteger(id) && id >= 0 && id < this.positionOf.length)) fail(`transfer id ${id} is not an integer in [0, ${this.positionOf.length})`);
    if (this.positionOf[id] !== -1) fail(`transfer ${id} is already running`);
    assert(sizeBytes > 0, 'a transfer must have a positive size');
    this.advance(nowMs);
    if (this.size === this.heapFinish.length) this.grow();
    this.siftUp(this.size++, this.virtualBytes + sizeBytes, id);
    if (this.size > this.peak) this.peak = this.size;
  }

  /** Stops a transfer early (node down, server outage). Returns false when it was not running. */
  abort(id: number, nowMs: number): boolean {
    if (!this.isActive(id)) return false;
    const position = this.positionOf[id];
    this.advance(nowMs);
    this.removeAt(position);
    return true;
  }

  isActive(id: number): boolean {
    return id >= 0 && id < this.positionOf.length && this.positionOf[id] !== -1;
  }

  /** Time of the next completion, Infinity when idle. */
  nextCompletionMs(nowMs: number): number {
    if (this.size === 0) return Infinity;
    this.advance(nowMs);
    const remaining = this.heapFinish[0] - this.virtualBytes;
    return nowMs + Math.max(0, remaining) / this.rateBytesPerMs();
  }

  /** Removes and returns the transfers finished by `nowMs` (in finish order). */
  takeFinished(nowMs: number): number[] {
    this.advance(nowMs);
    const done: number[] = [];
    // A tolerance of one byte absorbs rounding in the rate arithmetic; without it a transfer a
    // hair short of done could be rescheduled at the same instant forever.
    while (this.size > 0 && this.heapFinish[0] <= this.virtualBytes + 1) {
      done.push(this.heapId[0]);
      this.removeAt(0);
    }
    return done;
  }

  setTotalBandwidth(bitsPerSecond: number, nowMs: number): void {
    assert(bitsPerSecond > 0, 'bandwidth must be positive');
    this.advance(nowMs);
    this.totalBitsPerSecond = bitsPerSecond;
  }

  private advance(nowMs: number): void {
    assert(nowMs >= this.lastUpdateMs, 'bandwidth time went backwards');
    const delta = (nowMs - this.lastUpdateMs) * this.rateBytesPerMs();
    this.virtualBytes += delta;
    this.served += delta * this.size;
    this.lastUpdateMs = nowMs;
  }

  private removeAt(position: number): void {
    const id = this.heapId[position];
    this.positionOf[id] = -1;
    const last = --this.size;
    if (position === last) return;
    const finish = this.heapFinish[last];
    const movedId = this.heapId[last];
    if (position > 0 && finish < this.heapFinish[(position - 1) >> 1]) this.siftUp(position, finish, movedId);
    else this.siftDown(position, finish, movedId);
  }

  private siftUp(position: number, finish: number, id: number): void {
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (this.heapFinish[parent] <= finish) break;
      this.place(position, this.heapFinish[parent], this.heapId[parent]);
      position = parent;
    }
    this.place(position, finish, id);
  }

  private siftDown(position: number, finish: number, id: number): void {
    for (;;) {
      const left = 2 * position + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.heapFinish[right] < this.heapFinish[left] ? right : left;
      if (this.heapFinish[child] >= finish) break;
      this.place(position, this.heapFinish[child], this.heapId[child]);
      position = child;
    }
    this.place(position, finish, id);
  }

  private place(position: number, finish: number, id: number): void {
    this.heapFinish[position] = finish;
    this.heapId[position] = id;
    this.positionOf[id] = position;
  }

  private grow(): void {
    const f = new Float64Array(this.heapFinish.length * 2);
    f.set(this.heapFinish);
    this.heapFinish = f;
    const i = new Int32Array(this.heapId.length * 2);
    i.set(this.heapId);
    this.heapId = i;
  }
}
