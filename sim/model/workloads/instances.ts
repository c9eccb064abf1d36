import { assert, fail } from '../../engine/assert.ts';

/**
 * The instances of every workload in flat typed arrays (one row per instance, 14 bytes: node id,
 * workload index, state, ready-at time), so 100,000 instances cost about 1.4 MB plus the per-node
 * index, not 100,000 objects.
 *
 * States:
 * - pending:  no node (not placed yet, or evicted/rescheduled and waiting for a node with room);
 * - stopped:  on its node, which is down (systemd restarts it when the node is back; `reschedule: false`);
 * - starting: on an up node, ready at `readyAtMs` (the workload's `startup` draw);
 * - ready:    running and ready (reachability through discovery is the caller's concern).
 */
export const enum InstanceState {
  Pending = 0,
  Stopped = 1,
  Starting = 2,
  Ready = 3,
}

export class InstanceTable {
  readonly node: Int32Array;
  readonly workload: Uint8Array;
  readonly state: Uint8Array;
  readonly readyAtMs: Float64Array;
  private readonly onNode: number[][];
  private readonly readyCount: Int32Array;
  /** Instances of workload w on node n at [n * workloadCount + w] (spread placement reads it). */
  private readonly perNode: Int32Array;

  /** `workloadOf[i]` is instance i's workload index (below 256 workloads: the scenario validator's bound). */
  constructor(workloadOf: readonly number[], workloadCount: number, readonly nodeCount: number) {
    assert(workloadCount <= 256, `InstanceTable: ${workloadCount} workloads (at most 256)`);
    const n = workloadOf.length;
    this.node = new Int32Array(n).fill(-1);
    this.workload = Uint8Array.from(workloadOf);
    this.state = new Uint8Array(n);
    this.readyAtMs = new Float64Array(n);
    this.onNode = Array.from({ length: nodeCount }, () => []);
    this.readyCount = new Int32Array(workloadCount);
    this.perNode = new Int32Array(nodeCount * workloadCount);
    this.workloadCount = workloadCount;
  }

  private readonly workloadCount: number;

  /** How many of workload `w`'s instances are on node `nodeId` (any state). */
  countOn(nodeId: number, w: number): number {
    return this.perNode[nodeId * this.workloadCount + w];
  }

  get size(): number {
    return this.state.length;
  }

  ready(workload: number): number {
    return this.readyCount[workload];
  }

  instancesOn(nodeId: number): readonly number[] {
    return this.onNode[nodeId];
  }

  /** Puts a pending instance on an up node; it is ready at `readyAtMs`. */
  start(instance: number, nodeId: number, readyAtMs: number): void {
    if (this.state[instance] !== InstanceState.Pending) fail(`instance ${instance} started while ${this.state[instance]}`);
    this.node[instance] = nodeId;
    this.onNode[nodeId].push(instance);
    this.perNode[nodeId * this.workloadCount + this.workload[instance]]++;
    this.state[instance] = InstanceState.Starting;
    this.readyAtMs[instance] = readyAtMs;
  }

  /** A starting instance whose startup ended at `nowMs`; false when it was stopped or moved meanwhile. */
  becomeReady(instance: number, nowMs: number): boolean {
    if (this.state[instance] !== InstanceState.Starting || this.readyAtMs[instance] !== nowMs) return false;
    this.state[instance] = InstanceState.Ready;
    this.readyCount[this.workload[instance]]++;
    return true;
  }

  /**
   * The node went down (reboot, power loss): every instance on it stops. With `reschedule` the
   * instance leaves the node and is pending (Kubernetes recreates the pod elsewhere); without, it
   * stays, stopped, until systemd starts it again when the node is back. Returns the instances hit.
   */
  nodeDown(nodeId: number, reschedule: (workload: number) => boolean): number[] {
    const hit = [...this.onNode[nodeId]];
    for (const i of hit) {
      this.stop(i);
      if (reschedule(this.workload[i])) this.detach(i);
    }
    return hit;
  }

  /** The node is up again: its stopped instances start, each ready at `readyAt(i)`. Returns them. */
  nodeUp(nodeId: number, readyAt: (instance: number) => number): number[] {
    const started: number[] = [];
    for (const i of this.onNode[nodeId]) {
      if (this.state[i] !== InstanceState.Stopped) continue;
      this.state[i] = InstanceState.Starting;
      this.readyAtMs[i] = readyAt(i);
      started.push(i);
    }
    return started;
  }

  /** An eviction took effect: the instance stops and leaves its node (pending, to be placed again). */
  evict(instance: number): void {
    if (this.node[instance] < 0) fail(`instance ${instance} evicted while on no node`);
    this.stop(instance);
    this.detach(instance);
  }

  private stop(instance: number): void {
    if (this.state[instance] === InstanceState.Ready) this.readyCount[this.workload[instance]]--;
    this.state[instance] = InstanceState.Stopped;
  }

  private detach(instance: number): void {
    const list = this.onNode[this.node[instance]];
    const at = list.indexOf(instance);
    assert(at >= 0, `instance ${instance} missing from node ${this.node[instance]}'s index`);
    list[at] = list[list.length - 1];
    list.pop();
    this.perNode[this.node[instance] * this.workloadCount + this.workload[instance]]--;
    this.node[instance] = -1;
    this.state[instance] = InstanceState.Pending;
  }
}
