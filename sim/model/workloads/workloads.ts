import { assert } from '../../engine/assert.ts';
import type { Range, RandomStream } from '../../engine/random.ts';
import { AvailabilityMeter, type WorkloadReport } from './availability.ts';
import { NodeDrain, type DrainStep } from './drain.ts';
import { InstanceState, InstanceTable } from './instances.ts';
import { DisruptionBudget, desiredHealthy, type MinAvailable } from './pdb.ts';
import { place, type Placement, type PlacementNode } from './placement.ts';

/** One workload as the scenario gives it (scenario `workloads[]`, durations already in ms). */
export interface WorkloadSpec {
  name: string;
  replicas: number;
  placement: Placement;
  minAvailable: MinAvailable;
  quorum: number | null;
  startupMs: Range;
  reschedule: boolean;
}

/**
 * What the workloads need from the world: time-ordered callbacks (the world's event queue), one
 * named random stream per workload for its startup draws, and whether a node may run a workload.
 */
export interface WorkloadPorts {
  schedule(atMs: number, callback: () => void): void;
  startupStream(workload: string): RandomStream;
  /** The node is in one of the workload's fleet groups (scenario `workloads[].groups`). */
  allowed(workload: number, nodeId: number): boolean;
}

/** How a drain ended, for the reboot agent (kured: reboot, or release the lock and retry later). */
export type DrainOutcome = { kind: 'drained' } | { kind: 'timedOut'; remaining: number };

/**
 * The workloads of a run: placement, the instance lifecycle on node down/up, drains through the
 * eviction API, availability for the report. Nodes are up and schedulable until told otherwise.
 */
export class Workloads {
  readonly table: InstanceTable;
  private readonly budgets: DisruptionBudget[];
  private readonly meters: AvailabilityMeter[];
  private readonly up: Uint8Array;
  private readonly cordoned: Uint8Array;
  private readonly drains = new Map<number, NodeDrain>();
  /** Per workload, the instances that may be pending (checked before use), oldest first. */
  private pending: number[][];
  drainBlockedMs = 0;
  drainTimeouts = 0;

  constructor(
    readonly specs: readonly WorkloadSpec[],
    private readonly nodes: readonly PlacementNode[],
    private readonly ports: WorkloadPorts,
  ) {
    const workloadOf: number[] = [];
    specs.forEach((spec, w) => {
      for (let k = 0; k < spec.replicas; k++) workloadOf.push(w);
    });
    const nodeCount = nodes.reduce((n, node) => Math.max(n, node.id + 1), 0);
    this.table = new InstanceTable(workloadOf, specs.length, nodeCount);
    this.up = new Uint8Array(nodeCount).fill(1);
    this.cordoned = new Uint8Array(nodeCount);
    this.pending = specs.map(() => []);
    for (let i = 0; i < workloadOf.length; i++) this.pending[workloadOf[i]].push(i);
    this.budgets = specs.map((spec) => new DisruptionBudget(spec.minAvailable, spec.replicas));
    this.meters = specs.map(
      (spec) => new AvailabilityMeter(spec.name, spec.replicas, desiredHealthy(spec.minAvailable, spec.replicas), spec.quorum),
    );
  }

  /** Places every instance at `nowMs` (the run's start); each is ready after its startup. */
  start(nowMs: number): void {
    this.placePending(nowMs);
  }

  nodeDown(nodeId: number, nowMs: number): void {
    this.up[nodeId] = 0;
    const hit = this.table.nodeDown(nodeId, (w) => this.specs[w].reschedule);
    this.observe(nowMs, hit);
    const moved = this.queuePending(hit);
    if (moved > 0) this.placePending(nowMs);
  }

  /** The node is up and schedulable again (kured uncordons after the reboot). */
  nodeUp(nodeId: number, nowMs: number): void {
    this.up[nodeId] = 1;
    this.cordoned[nodeId] = 0;
    for (const i of this.table.nodeUp(nodeId, (i) => this.readyAt(i, nowMs))) this.scheduleReady(i);
    this.placePending(nowMs);
  }

  /**
   * Cordons the node and drains it (kubectl pkg/drain: cordon, then evict with a 5 s retry on 429,
   * bounded by `timeoutMs`, 0 = none); `done` is called once, when the node is empty or the drain
   * timed out.
   */
  drain(nodeId: number, nowMs: number, timeoutMs: number, done: (outcome: DrainOutcome) => void): void {
    assert(!this.drains.has(nodeId), `node ${nodeId} drained twice at once`);
    this.cordoned[nodeId] = 1;
    const drain = new NodeDrain(nodeId, nowMs, timeoutMs);
    this.drains.set(nodeId, drain);
    const round = (atMs: number): void => {
      const step: DrainStep = drain.attempt(atMs, this.table, (w) => this.budgets[w], (w) => this.meters[w].refusedEviction());
      this.observe(atMs, step.evicted);
      if (this.queuePending(step.evicted) > 0) this.placePending(atMs);
      if (step.kind === 'retry') {
        this.ports.schedule(step.atMs, () => round(step.atMs));
        return;
      }
      this.drains.delete(nodeId);
      this.drainBlockedMs += drain.blockedMs;
      if (step.kind === 'timedOut') {
        this.drainTimeouts++;
        done({ kind: 'timedOut', remaining: step.remaining });
      } else {
        done({ kind: 'drained' });
      }
    };
    round(nowMs);
  }

  /** kured's best-effort uncordon after a failed drain (cmd/kured/main.go, rebootAsRequired). */
  uncordon(nodeId: number, nowMs: number): void {
    this.cordoned[nodeId] = 0;
    this.placePending(nowMs);
  }

  /** Every instance of the node is ready (the settle gate releasing the lock only then). */
  nodeSettled(nodeId: number): boolean {
    return this.table.instancesOn(nodeId).every((i) => this.table.state[i] === InstanceState.Ready);
  }

  ready(workload: number): number {
    return this.table.ready(workload);
  }

  desiredHealthy(workload: number): number {
    return this.budgets[workload].desired();
  }

  report(horizonMs: number): { workloads: WorkloadReport[]; drain: { blockedMs: number; timeouts: number } } {
    return {
      workloads: this.meters.map((meter) => meter.report(horizonMs)),
      drain: { blockedMs: this.drainBlockedMs, timeouts: this.drainTimeouts },
    };
  }

  private readyAt(instance: number, nowMs: number): number {
    const spec = this.specs[this.table.workload[instance]];
    return nowMs + Math.round(this.ports.startupStream(spec.name).range(spec.startupMs));
  }

  private scheduleReady(instance: number): void {
    const atMs = this.table.readyAtMs[instance];
    this.ports.schedule(atMs, () => {
      if (this.table.becomeReady(instance, atMs)) this.observe(atMs, [instance]);
    });
  }

  /** Adds the instances of `instances` that are now pending to their workload's list; returns how many. */
  private queuePending(instances: readonly number[]): number {
    let count = 0;
    for (const i of instances) {
      if (this.table.state[i] !== InstanceState.Pending) continue;
      this.pending[this.table.workload[i]].push(i);
      count++;
    }
    return count;
  }

  /** The ready counts of the workloads of `instances` may have changed at `nowMs`. */
  private observe(nowMs: number, instances: readonly number[]): void {
    const seen = new Set<number>();
    for (const i of instances) {
      const w = this.table.workload[i];
      if (seen.has(w)) continue;
      seen.add(w);
      const meter = this.meters[w];
      const ready = this.table.ready(w);
      if (meter.isOpen()) meter.set(nowMs, ready);
      else if (ready === this.specs[w].replicas) meter.open(nowMs, ready);
    }
  }

  /** Places the pending instances, workload by workload, on up, uncordoned, allowed nodes. */
  private placePending(nowMs: number): void {
    this.specs.forEach((spec, w) => {
      const pending = this.pending[w].filter((i) => this.table.state[i] === InstanceState.Pending);
      this.pending[w] = pending;
      if (pending.length === 0) return;
      const candidates = this.nodes.filter((n) => this.up[n.id] === 1 && this.cordoned[n.id] === 0 && this.ports.allowed(w, n.id));
      const chosen = place(spec.placement, pending.length, candidates, () => Number.POSITIVE_INFINITY, (nodeId) =>
        this.table.countOn(nodeId, w),
      );
      chosen.forEach((nodeId, k) => {
        const instance = pending[k];
        this.table.start(instance, nodeId, this.readyAt(instance, nowMs));
        this.scheduleReady(instance);
      });
      this.pending[w] = pending.slice(chosen.length);
    });
  }
}
