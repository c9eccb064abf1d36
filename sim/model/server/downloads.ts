import { fail } from '../../engine/assert.ts';
import { NO_EVENT, type EventHandle } from '../../engine/event-queue.ts';
import type { Simulation } from '../../engine/simulation.ts';
import { SharedBandwidth } from './shared-bandwidth.ts';

/**
 * The payload downloads in flight from the update server: which node fetches which version, the
 * server's bandwidth shared among them (shared-bandwidth.ts), and the one timer of the next
 * completion. The server starts and aborts them; `finished` hears each completion.
 */
export class Downloads {
  readonly bandwidth: SharedBandwidth;
  /** Version each node is downloading, -1 for none. */
  private readonly downloadVersion: Int32Array;
  private completionHandle: EventHandle = NO_EVENT;
  private readonly completionKind: number;

  constructor(
    private readonly sim: Simulation,
    nodeCount: number,
    bandwidthBps: number,
    nodeBandwidthBps: number,
    private readonly finished: (node: number) => void,
  ) {
    this.bandwidth = new SharedBandwidth(bandwidthBps, nodeBandwidthBps, nodeCount);
    this.downloadVersion = new Int32Array(nodeCount).fill(-1);
    this.completionKind = sim.register('server.download', () => this.onCompletion());
  }

  start(node: number, version: number, sizeBytes: number, nowMs: number): void {
    if (!(this.downloadVersion[node] === -1)) fail(`node ${node} is already downloading`);
    this.downloadVersion[node] = version;
    this.bandwidth.start(node, sizeBytes, nowMs);
    this.rescheduleCompletion(nowMs);
  }

  abort(node: number, nowMs: number): void {
    if (this.downloadVersion[node] === -1) return;
    this.downloadVersion[node] = -1;
    this.bandwidth.abort(node, nowMs);
    this.rescheduleCompletion(nowMs);
  }

  get active(): number {
    return this.bandwidth.active;
  }

  /** The nodes downloading now, in node order. */
  inFlight(): number[] {
    const nodes: number[] = [];
    for (let node = 0; node < this.downloadVersion.length; node++) if (this.downloadVersion[node] !== -1) nodes.push(node);
    return nodes;
  }

  private rescheduleCompletion(nowMs: number): void {
    this.sim.cancel(this.completionHandle);
    this.completionHandle = NO_EVENT;
    const next = this.bandwidth.nextCompletionMs(nowMs);
    if (next !== Infinity) this.completionHandle = this.sim.scheduleAt(Math.max(nowMs, next), this.completionKind);
  }

  private onCompletion(): void {
    this.completionHandle = NO_EVENT;
    const nowMs = this.sim.now;
    const done = this.bandwidth.takeFinished(nowMs);
    for (const node of done) this.downloadVersion[node] = -1;
    this.rescheduleCompletion(nowMs);
    for (const node of done) this.finished(node);
  }
}
