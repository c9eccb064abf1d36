import { assert } from '../../engine/assert.ts';
import type { Range, RandomStream } from '../../engine/random.ts';
import { AvailabilityMeter, type WorkloadReport } from './availability.ts';
import { NodeDrain, type DrainStep } from './drain.ts';
import { InstanceState, InstanceTable } from './instances.ts';
import { DisruptionBudget, desiredHealthy, type MinAvailable } from './pdb.ts';
import type { Placement, PlacementNode } from './placement.ts';
import { Scheduler } from './scheduler.ts';

/** One workload as the scenario gives it (scenario `workloads[]`, durations already in ms). */
export interface WorkloadSpec {
  name: string;
  replicas: number;
  placement: Placement;
  minAvailable: MinAvailable;
  quorum: number | null;
  startupMs: Range;
  reschedule: boolean;
  /** 'etcd': a ready instance is reachable only once registered in etcd (WorkloadPorts.register). */
  discovery: 'etcd' | null;
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
  /**
   * Service discovery (`discovery: etcd`): registers a ready instance (a KV write through the
   * simulated etcd cluster from the node's zone); `done(true)` once committed, `done(false)` when
   * it failed (no leader, no quorum). Absent when no workload uses discovery.
   */
  register?(workload: number, instance: number, nodeId: number, done: (ok: boolean, atMs: number) => void): void;
}

/** What the checkers watch (sim/checkers/workloads.ts); they observe and never change the run. */
export interface WorkloadObserver {
  /** A voluntary eviction was granted: the workload had `readyBefore` ready, the instance was (not) one. */
  evicted?(workload: number, readyBefore: number, wasReady: boolean, nowMs: number): void;
  /** The node went down and its instances were stopped. */
  nodeWentDown?(nodeId: number, nowMs: number): void;
  /** An instance became ready on `nodeId`. */
  becameReady?(instance: number, nodeId: number, nowMs: number): void;
  /** The workload's serving count may have changed. */
  servingChanged?(workload: number, nowMs: number): void;
  /** A drain's eviction of an instance of `workload` on `nodeId` was refused by its budget (429). */
  evictionRefused?(workload: number, nodeId: number, nowMs: number): void;
}

/**
 * sidekick-style re-registration (the fleet-era CoreOS discovery pattern: a unit next to the
 * service loops `etcdctl set /services/<name>/<host> ... --ttl 60; sleep 45`): a failed
 * registration is tried again 45 s later while the instance stays ready.
 */
export const REGISTRATION_RETRY_MS = 45_000;

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
  private readonly scheduler: Scheduler;
  /** The node's callback waiting for its instances to be ready (the settle gate). */
  private readonly settleWaiters = new Map<number, () => void>();
  /** 1 while a ready instance is registered in etcd (discovery); counted per workload in `reachable`. */
  private readonly registered: Uint8Array;
  private readonly reachable: Int32Array;
  private readonly observers: WorkloadObserver[] = [];
  /** `changed` visits each workload once per call: the call's epoch marks the ones seen. */
  private readonly seenEpoch: Float64Array;
  private changeEpoch = 0;
  drainBlockedMs = 0;
  drainTimeouts = 0;

  constructor(
    readonly specs: readonly WorkloadSpec[],
    nodes: readonly PlacementNode[],
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
    this.seenEpoch = new Float64Array(specs.length);
    this.registered = new Uint8Array(workloadOf.length);
    this.reachable = new Int32Array(specs.length);
    assert(ports.register !== undefined || specs.every((s) => s.discovery === null), 'a workload with discovery needs the register port');
    this.scheduler = new Scheduler(
      specs.map((s) => s.placement),
      nodes,
      {
        eligible: (nodeId) => this.up[nodeId] === 1 && this.cordoned[nodeId] === 0,
        allowed: (w, nodeId) => ports.allowed(w, nodeId),
        countOn: (nodeId, w) => this.table.countOn(nodeId, w),
      },
    );
  }

  observe(observer: WorkloadObserver): void {
    this.observers.push(observer);
  }

  isUp(nodeId: number): boolean {
    return this.up[nodeId] === 1;
  }

  /** Places every instance at `nowMs` (the run's start); each is ready after its startup. */
  start(nowMs: number): void {
    this.placePending(nowMs);
  }

  /**
   * A cold start (every node down until it boots): the instances are bound to their nodes as in
   * a fleet that was serving (systemd units installed on their machines, pods bound to their
   * nodes), all stopped, and each starts when its node boots, none rescheduled meanwhile.
   */
  startCold(nowMs: number): void {
    this.placePending(nowMs);
    for (let nodeId = 0; nodeId < this.up.length; nodeId++) {
      this.up[nodeId] = 0;
      this.table.nodeDown(nodeId, () => false);
    }
  }

  /**
   * The node went down (reboot, power loss, crash): its instances stop; a drain in progress ends
   * without an answer (the agent that asked for it is down too), a settle waiter is dropped.
   */
  nodeDown(nodeId: number, nowMs: number): void {
    if (this.up[nodeId] === 0) return;
    this.up[nodeId] = 0;
    const drain = this.drains.get(nodeId);
    if (drain !== undefined) {
      this.drains.delete(nodeId);
      drain.cancel(nowMs);
      this.drainBlockedMs += drain.blockedMs;
    }
    this.settleWaiters.delete(nodeId);
    const hit = this.table.nodeDown(nodeId, (w) => this.specs[w].reschedule);
    for (const i of hit) this.unregister(i);
    this.left(nodeId, hit);
    this.changed(nowMs, hit);
    for (const observer of this.observers) observer.nodeWentDown?.(nodeId, nowMs);
    const moved = this.queuePending(hit);
    if (moved > 0) this.placePending(nowMs);
  }

  /** The node is up and schedulable again (kured uncordons after the reboot). */
  nodeUp(nodeId: number, nowMs: number): void {
    if (this.up[nodeId] === 1) return;
    this.up[nodeId] = 1;
    this.cordoned[nodeId] = 0;
    this.scheduler.nodeEligible(nodeId);
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
      // A drain ended by its node going down answers no one.
      if (this.drains.get(nodeId) !== drain) return;
      const step: DrainStep = drain.attempt(
        atMs,
        this.table,
        (w) => this.budgets[w],
        (w) => {
          this.meters[w].refusedEviction();
          for (const observer of this.observers) observer.evictionRefused?.(w, nodeId, atMs);
        },
        (w, readyBefore, wasReady) => {
          for (const observer of this.observers) observer.evicted?.(w, readyBefore, wasReady, atMs);
        },
      );
      for (const i of step.evicted) this.unregister(i);
      this.left(nodeId, step.evicted);
      this.changed(atMs, step.evicted);
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
    if (this.cordoned[nodeId] === 0) return;
    this.cordoned[nodeId] = 0;
    if (this.up[nodeId] === 1) this.scheduler.nodeEligible(nodeId);
    this.placePending(nowMs);
  }

  /** Every instance of the node is ready (and reachable, with discovery): the settle gate releases the lock only then. */
  nodeSettled(nodeId: number): boolean {
    return this.table.instancesOn(nodeId).every((i) => this.table.state[i] === InstanceState.Ready && this.servingInstance(i));
  }

  /** `settled` is called once, when the node is settled (now, if it is); dropped if the node goes down first. */
  whenSettled(nodeId: number, settled: () => void): void {
    assert(!this.settleWaiters.has(nodeId), `node ${nodeId} waits to settle twice`);
    if (this.nodeSettled(nodeId)) {
      settled();
      return;
    }
    this.settleWaiters.set(nodeId, settled);
  }

  ready(workload: number): number {
    return this.table.ready(workload);
  }

  /** Ready instances that serve: with discovery, only the registered ones. */
  serving(workload: number): number {
    return this.specs[workload].discovery === null ? this.table.ready(workload) : this.reachable[workload];
  }

  desiredHealthy(workload: number): number {
    return this.budgets[workload].desired();
  }

  report(horizonMs: number): { workloads: WorkloadReport[]; drain: { blockedMs: number; timeouts: number } } {
    return {
      workloads: this.meters.map((meter) => meter.report(horizonMs)),
      // Drains still running count their blocked time so far (a pdb-deadlock never ends).
      drain: { blockedMs: [...this.drains.values()].reduce((sum, d) => sum + d.blockedUntil(horizonMs), this.drainBlockedMs), timeouts: this.drainTimeouts },
    };
  }

  private readyAt(instance: number, nowMs: number): number {
    const spec = this.specs[this.table.workload[instance]];
    return nowMs + Math.round(this.ports.startupStream(spec.name).range(spec.startupMs));
  }

  private scheduleReady(instance: number): void {
    const atMs = this.table.readyAtMs[instance];
    this.ports.schedule(atMs, () => {
      if (!this.table.becomeReady(instance, atMs)) return;
      const nodeId = this.table.node[instance];
      for (const observer of this.observers) observer.becameReady?.(instance, nodeId, atMs);
      if (this.specs[this.table.workload[instance]].discovery === 'etcd') this.register(instance, atMs);
      this.changed(atMs, [instance]);
      this.checkSettled(nodeId);
    });
  }

  /** Registers a ready instance; retried every REGISTRATION_RETRY_MS while it stays ready on the same node. */
  private register(instance: number, readyAtMs: number): void {
    const register = this.ports.register as NonNullable<WorkloadPorts['register']>;
    const nodeId = this.table.node[instance];
    const w = this.table.workload[instance];
    const current = (): boolean => this.table.state[instance] === InstanceState.Ready && this.table.readyAtMs[instance] === readyAtMs;
    register(w, instance, nodeId, (ok, atMs) => {
      if (!current() || this.registered[instance] === 1) return;
      if (!ok) {
        const retryAtMs = atMs + REGISTRATION_RETRY_MS;
        this.ports.schedule(retryAtMs, () => {
          if (current()) this.register(instance, readyAtMs);
        });
        return;
      }
      this.registered[instance] = 1;
      this.reachable[w]++;
      this.changed(atMs, [instance]);
      this.checkSettled(nodeId);
    });
  }

  /** The instance counts as available: ready, and registered when its workload uses discovery (read only: the web inspector). */
  serves(instance: number): boolean {
    return this.table.state[instance] === InstanceState.Ready && this.servingInstance(instance);
  }

  private servingInstance(instance: number): boolean {
    return this.specs[this.table.workload[instance]].discovery === null || this.registered[instance] === 1;
  }

  private unregister(instance: number): void {
    if (this.registered[instance] === 0) return;
    this.registered[instance] = 0;
    this.reachable[this.table.workload[instance]]--;
  }

  private checkSettled(nodeId: number): void {
    const waiter = this.settleWaiters.get(nodeId);
    if (waiter === undefined || !this.nodeSettled(nodeId)) return;
    this.settleWaiters.delete(nodeId);
    waiter();
  }

  /** The instances of `instances` that left `nodeId` (now pending) leave its zone's count. */
  private left(nodeId: number, instances: readonly number[]): void {
    for (const i of instances) {
      if (this.table.state[i] === InstanceState.Pending) this.scheduler.countChanged(nodeId, this.table.workload[i], -1);
    }
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

  /** The serving counts of the workloads of `instances` may have changed at `nowMs`. */
  private changed(nowMs: number, instances: readonly number[]): void {
    const epoch = ++this.changeEpoch;
    for (const i of instances) {
      const w = this.table.workload[i];
      if (this.seenEpoch[w] === epoch) continue;
      this.seenEpoch[w] = epoch;
      for (const observer of this.observers) observer.servingChanged?.(w, nowMs);
      const meter = this.meters[w];
      const ready = this.serving(w);
      if (meter.isOpen()) meter.set(nowMs, ready);
      else if (ready === this.specs[w].replicas) meter.open(nowMs, ready);
      else meter.set(nowMs, ready);
    }
  }

  /** Places the pending instances, workload by workload, on up, uncordoned, allowed nodes. */
  private placePending(nowMs: number): void {
    for (let w = 0; w < this.specs.length; w++) {
      if (this.pending[w].length === 0) continue;
      const pending = this.pending[w].filter((i) => this.table.state[i] === InstanceState.Pending);
      let placed = 0;
      // Bounded by the pending instances; stops at the first that finds no node.
      for (; placed < pending.length; placed++) {
        const nodeId = this.scheduler.choose(w);
        if (nodeId < 0) break;
        const instance = pending[placed];
        this.table.start(instance, nodeId, this.readyAt(instance, nowMs));
        this.scheduler.countChanged(nodeId, w, 1);
        this.scheduleReady(instance);
      }
      this.pending[w] = placed === 0 ? pending : pending.slice(placed);
    }
  }
}
