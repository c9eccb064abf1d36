import type { RandomStreams } from '../../engine/random.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { effectiveReboot } from '../../scenario/reboot.ts';
import type { KvClient } from '../etcd/kv.ts';
import { Workloads, type DrainOutcome, type WorkloadPorts, type WorkloadSpec } from '../workloads/workloads.ts';

/**
 * The world's side of the workloads (docs/workloads.md): builds the runtime from the scenario's
 * `workloads` and gives it the world's ports (the event queue, one named random stream per
 * workload, the fleet groups a workload may use, etcd registrations from the node's zone), and
 * the hooks the world calls: a node down or up, a drain begun by an agent, a lock release after
 * a reboot (the settle gate). Null when the scenario has no workloads: then nothing here runs
 * and no random stream is drawn from, so runs without workloads keep their traces.
 */
export interface WorkloadWorld {
  sim: Simulation;
  trace: Trace;
  streams: RandomStreams;
  scenario: Scenario;
  groupNames: readonly string[];
  zoneNames: readonly string[];
  nodeGroup: Uint16Array;
  nodeZone: Uint16Array;
  /** The etcd client of each zone (discovery registers through the node's); null without etcd. */
  zoneClients: readonly KvClient[] | null;
}

export class WorkloadPort {
  readonly workloads: Workloads;
  /** Per fleet group: the lock release waits for the node's instances (reboot.lockReleaseGate: ready). */
  private readonly gateByGroup: boolean[];
  private readonly sim: Simulation;
  private readonly nodeGroup: Uint16Array;

  static create(world: WorkloadWorld): WorkloadPort | null {
    return world.scenario.workloads.length === 0 ? null : new WorkloadPort(world);
  }

  private constructor(world: WorkloadWorld) {
    const { scenario, sim } = world;
    this.sim = sim;
    this.nodeGroup = world.nodeGroup;
    // Kubernetes reschedules an evicted pod; a systemd unit restarts on its own machine. A
    // workload is Kubernetes' when every fleet group it may run on runs kured (reboot.groups.<g>.agent).
    const kuredGroup = world.groupNames.map((g) => effectiveReboot(scenario.reboot, g).agent === 'kured');
    const reschedulesByDefault = (groups: readonly string[] | null): boolean =>
      world.groupNames.length === 0 ? scenario.reboot.agent === 'kured' : world.groupNames.every((g, i) => (groups !== null && !groups.includes(g)) || kuredGroup[i]);
    const specs: WorkloadSpec[] = scenario.workloads.map((w) => ({
      name: w.name,
      replicas: w.replicas,
      placement: w.placement,
      minAvailable: w.minAvailable,
      quorum: w.quorum,
      startupMs: w.startup,
      reschedule: w.reschedule ?? reschedulesByDefault(w.groups),
      discovery: w.discovery,
    }));
    // allowedGroups[w][g]: fleet group g may run workload w.
    const allowedGroups = scenario.workloads.map((w) => world.groupNames.map((g) => w.groups === null || w.groups.includes(g)));
    const nodes = Array.from(world.nodeGroup, (_, id) => ({ id, zone: world.zoneNames[world.nodeZone[id]] }));
    const streams = specs.map((s) => world.streams.stream(`workloads/${s.name}/startup`));
    const clients = world.zoneClients;
    const ports: WorkloadPorts = {
      schedule: (atMs, callback) => sim.callAt(atMs, callback),
      startupStream: (name) => streams[specs.findIndex((s) => s.name === name)],
      allowed: (w, nodeId) => allowedGroups[w][world.nodeGroup[nodeId]],
    };
    if (specs.some((s) => s.discovery === 'etcd')) {
      if (clients === null) throw new Error('discovery: etcd without an etcd cluster (the scenario validator refuses it)');
      // One key per instance, as a sidekick unit writes /services/<name>/<instance>.
      ports.register = (w, instance, nodeId, done) =>
        clients[world.nodeZone[nodeId]].put(`/services/${specs[w].name}/${instance}`, String(nodeId), (result) => done(result.ok, sim.now));
    }
    this.gateByGroup = world.groupNames.map((g) => effectiveReboot(scenario.reboot, g).lockReleaseGate === 'ready');
    this.workloads = new Workloads(specs, nodes, ports);
    this.traceCrossings(world.trace);
  }

  /**
   * Traces each time a workload's serving count crosses its minAvailable or its quorum (rare
   * events, not one per instance), so that a golden trace hash pins the workloads' behaviour too.
   */
  private traceCrossings(trace: Trace): void {
    const workloads = this.workloads;
    const below = workloads.specs.map(() => false);
    const lost = workloads.specs.map(() => false);
    // Like the availability meter: nothing before the initial placement is first all serving.
    const open = workloads.specs.map(() => false);
    workloads.observe({
      servingChanged: (w, nowMs) => {
        const spec = workloads.specs[w];
        const serving = workloads.serving(w);
        if (!open[w] && serving < spec.replicas) return;
        open[w] = true;
        const isBelow = serving < workloads.desiredHealthy(w);
        if (isBelow !== below[w]) {
          below[w] = isBelow;
          trace.emit(nowMs, isBelow ? 'workload.below-min' : 'workload.at-min', spec.name, { serving });
        }
        const isLost = spec.quorum !== null && serving < spec.quorum;
        if (isLost !== lost[w]) {
          lost[w] = isLost;
          trace.emit(nowMs, isLost ? 'workload.quorum-lost' : 'workload.quorum-back', spec.name, { serving });
        }
      },
    });
  }

  /** Places every instance at the run's start; after a cold start each waits for its node to boot. */
  start(coldStart: boolean): void {
    if (coldStart) this.workloads.startCold(this.sim.now);
    else this.workloads.start(this.sim.now);
  }

  nodeDown(node: number): void {
    this.workloads.nodeDown(node, this.sim.now);
  }

  nodeUp(node: number): void {
    this.workloads.nodeUp(node, this.sim.now);
  }

  /** Cordon and drain through the eviction API; `done` hears how it ended (never, if the node goes down first). */
  drain(node: number, timeoutMs: number, done: (outcome: DrainOutcome) => void): void {
    this.workloads.drain(node, this.sim.now, timeoutMs, done);
  }

  uncordon(node: number): void {
    this.workloads.uncordon(node, this.sim.now);
  }

  /**
   * The settle gate: in a group with `lockReleaseGate: ready`, a lock release waits until the
   * node's instances are ready (and registered, with discovery) again. After a reboot that is
   * the startup of every unit on the node; a release that follows no reboot (kured's after a
   * failed drain, locksmithd's of a late grant) finds them ready and goes at once.
   */
  release(node: number, release: () => void): void {
    if (!this.gateByGroup[this.nodeGroup[node]]) {
      release();
      return;
    }
    this.workloads.whenSettled(node, release);
  }
}
