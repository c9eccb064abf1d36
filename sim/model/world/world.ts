import { fail } from '../../engine/assert.ts';
import type { RandomColumn, RandomStream, RandomStreams } from '../../engine/random.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { MachineContext, MachineEvent } from '../machine/define.ts';
import { CompiledRuntime, type RuntimeHost } from '../machine/runtime.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Release } from '../../scenario/release.ts';
import type { Action } from '../../scenario/actions.ts';
import { zincatiCheckSchedule } from '../node/zincati-timing.ts';
import type { CheckSchedule } from '../node/check-schedule.ts';
import { UpdateServer, type ServerListener } from '../server/update-server.ts';
import { VersionTable } from '../server/versions.ts';
import * as events from './node-event.ts';
import { CheckElision, SLEEP_NONE } from './check-elision.ts';
import { compiledNodeMachines } from './compiled-machines.ts';
import { FleetMetrics } from './fleet-metrics.ts';
import { NoLock } from './no-lock.ts';
import type { RebootLock } from '../etcd/locks/types.ts';
import { RebootGroups } from './reboot-groups.ts';
import { RebootManagers } from './reboot-managers.ts';
import { RebootEffects } from './reboot-effects.ts';
import { initNodeAgents } from './node-agents.ts';
import { KuredTicks } from './kured-ticks.ts';
import { setUpEtcd, type EtcdSetup } from './etcd-setup.ts';
import { ReachableLock } from './reachable-lock.ts';
import { layOutFleet } from './fleet-layout.ts';
import { MemberPower } from './member-power.ts';
import { applyOperatorAction, type OperatorTarget } from './operator-actions.ts';
import { MachineHost, bind, type EffectHandler } from './machine-host.ts';
import { resolveNodeTarget } from './node-targets.ts';
import { WorkloadHealth } from './workload-health.ts';
import { WorkloadPort } from './workload-port.ts';
import { BOOT, Outbox, RM, UE } from './outbox.ts';
import { NodeVersions } from './node-versions.ts';
import { ServerLink } from './server-link.ts';
import { UpdateEngineEffects } from './update-engine-effects.ts';
import { BootEffects } from './boot-effects.ts';
import { rebootStrategy, type AgentName } from '../../agents/registry.ts';
import { effectiveReboot } from '../../scenario/reboot.ts';

/**
 * The world: N nodes, each running the three node machines (update_engine, power and boot,
 * reboot manager) in compiled form over typed arrays, the update server, and the reboot lock.
 * It implements the machines' effects — the only place where nodes meet the server, the lock and
 * each other — and turns them into events: an effect never gets a synchronous answer; its answer
 * goes to the outbox and is delivered after the current step, in order (a message, as on a
 * network, but without one: the world's answers are instantaneous unless a component says
 * otherwise). The outbox is the loop's zero-time phase, the URGENT priority of
 * sim/engine/simulation.ts: drained before the event that filled it returns.
 *
 * Random draws for a node come from two per-node streams: `node.check` (the check schedule's fuzz,
 * so that fast and full fidelity draw identically) and `node.misc` (reboot durations, boot
 * failures, bad disks).
 *
 * Over 400 lines, knowingly: it wires the parts together and owns the named operations that
 * faults, actions and the UI use (crashNode, setServerReachable, skewClock, ...); the parts each
 * sit behind a narrow host interface in a file of their own: the outbox (outbox.ts), the
 * update_engine and boot effects (update-engine-effects.ts, boot-effects.ts), the server link
 * (server-link.ts), node versions (node-versions.ts), and fleet-layout.ts, machine-host.ts,
 * member-power.ts, reachable-lock.ts, operator-actions.ts, no-lock.ts, and the reboot managers'
 * effects (reboot-effects.ts), one machine per node's agent (reboot-managers.ts, node-agents.ts).
 */

export interface WorldOptions {
  scenario: Scenario;
  seed: number;
  horizonMs: number;
  sim: Simulation;
  trace: Trace;
  streams: RandomStreams;
  /** kured's ticks without a sentinel elided (kured-ticks.ts); default: in fast fidelity. */
  elideKuredIdleTicks?: boolean;
}

export class World {
  readonly nodeCount: number;
  readonly groupNames: string[];
  readonly zoneNames: string[];
  readonly hardwareNames: string[];
  readonly nodeGroup: Uint16Array;
  readonly nodeZone: Uint16Array;
  /** Index into hardwareNames, -1 for unlabelled nodes. */
  readonly nodeHardware: Int16Array;
  /** Offset of each node's clock from true time (clock-skew faults), ms. */
  readonly clockSkewMs: Float64Array;
  /** Probability that writing the inactive partition fails verification (bad-disk faults). */
  readonly badDiskProbability: Float32Array;
  /** Version index each node runs. */
  readonly nodeVersion: Int16Array;
  /**
   * 1 when the node's reboot-lock traffic reaches etcd, 0 while a partition isolates the node
   * itself from its zone's etcd client (faults only; see ReachableLock).
   */
  readonly lockReachable: Uint8Array;
  /** Picks the nodes of an operator action's `count`/`fraction` target. */
  private readonly actionRandom: RandomStream;

  readonly versions: VersionTable;
  readonly server: UpdateServer;
  readonly metrics: FleetMetrics;
  /** Nodes whose running release breaks their workloads (workloadFailureProbability). */
  readonly workloadHealth: WorkloadHealth;
  readonly lock: RebootLock;
  /** Each fleet group's reboot settings and each lock group's client (reboot.groups, reboot.lockGroup). */
  readonly rebootGroups: RebootGroups;
  /** The scenario's workloads (docs/workloads.md); null when it has none. */
  readonly workloads: WorkloadPort | null;
  /** kured's nodes only: their ticks (elided idle ticks resume from them; the liveness checker reads them). */
  readonly kuredTicks: KuredTicks | null;
  /** The etcd cluster and its network; null when the scenario has no etcd members. */
  readonly etcd: EtcdSetup | null;
  /** Fleet node hosting each etcd member (placement: fleet), else empty. */
  readonly memberNode: readonly number[];
  private readonly memberPower: MemberPower;
  readonly elision: CheckElision | null;
  readonly updateEngine: CompiledRuntime;
  readonly boot: CompiledRuntime;
  /** Each node's reboot agent machine, the one of its fleet group's agent (reboot-managers.ts). */
  readonly rebootManager: RebootManagers;
  private readonly rebootEffects: RebootEffects;

  private readonly sim: Simulation;
  private readonly trace: Trace;
  private readonly scenario: Scenario;
  private readonly horizonMs: number;
  private readonly checkRandom: RandomColumn;
  private readonly miscRandom: RandomColumn;
  private readonly releasesByVersion = new Map<number, Release>();

  /** Events produced by effects, delivered in order after the current step (outbox.ts). */
  private readonly outbox = new Outbox((machine, node, event) => this.deliver(machine, node, event));
  private readonly nodeVersions: NodeVersions;
  private readonly serverLink: ServerLink;
  private readonly updateEngineSide: UpdateEngineEffects;
  private readonly bootSide: BootEffects;
  /** The scenario's update-check schedule, the one the update engines are initialised with. */
  private readonly schedule: CheckSchedule;
  /** Each fleet group's: Zincati's timing for a Zincati group, else the scenario's (`schedule`). */
  private readonly groupSchedules: readonly CheckSchedule[];

  constructor(options: WorldOptions) {
    const { scenario, sim, trace, streams } = options;
    this.scenario = scenario;
    this.sim = sim;
    this.trace = trace;
    this.horizonMs = options.horizonMs;
    const check = scenario.fleet.updateCheck;
    // Each fleet group's reboot agent (reboot.groups.<g>.agent; the section's for a fleet without groups).
    const groupAgents: AgentName[] = scenario.fleet.groups.map((g) => effectiveReboot(scenario.reboot, g.name).agent);
    const updateEngineSchedule = { firstMs: check.first, intervalMs: check.interval, fuzzMs: check.fuzz, backoffMaxMs: check.backoffMax };
    // A Zincati node checks its Cincinnati graph on Zincati's timing, not update_engine's.
    const zincatiSchedule = zincatiCheckSchedule(scenario.reboot.steadyInterval);
    this.schedule = scenario.reboot.agent === 'zincati' ? zincatiSchedule : updateEngineSchedule;
    this.groupSchedules = groupAgents.map((agent) => (agent === scenario.reboot.agent ? this.schedule : agent === 'zincati' ? zincatiSchedule : updateEngineSchedule));
    const layout = layOutFleet(scenario.fleet);
    this.nodeCount = layout.nodeCount;
    this.groupNames = layout.groupNames;
    this.zoneNames = layout.zoneNames;
    this.hardwareNames = layout.hardwareNames;
    this.nodeGroup = layout.nodeGroup;
    this.nodeZone = layout.nodeZone;
    this.nodeHardware = layout.nodeHardware;
    const n = this.nodeCount;
    this.clockSkewMs = new Float64Array(n);
    this.badDiskProbability = new Float32Array(n);
    this.nodeVersion = new Int16Array(n);
    this.lockReachable = new Uint8Array(n).fill(1);
    this.actionRandom = streams.stream('operator.actions');
    this.versions = new VersionTable(scenario.fleet.version);
    for (const release of scenario.releases) this.releasesByVersion.set(this.versions.add(release.version), release);
    this.metrics = new FleetMetrics(n);
    this.workloadHealth = new WorkloadHealth(n, streams);
    this.checkRandom = streams.column('node.check', n);
    this.miscRandom = streams.column('node.misc', n);
    this.etcd = setUpEtcd(scenario, sim, trace, options.seed, this.zoneNames, this.nodeZone);
    this.lock = this.etcd?.lock ?? new NoLock(scenario.reboot.maxConcurrent, scenario.reboot.strategy);
    const clientLock = this.etcd === null ? this.lock : new ReachableLock(sim, this.lock, this.lockReachable);
    this.rebootGroups = new RebootGroups(sim, scenario, clientLock, this.nodeGroup, (node, answer) => this.rebootEffects.lockAnswer(node, answer));
    this.memberPower = new MemberPower(this.etcd?.cluster ?? null, scenario.etcd.placement, scenario.etcd.members, n);
    this.memberNode = this.memberPower.memberNode;
    this.workloads = WorkloadPort.create({
      sim,
      trace,
      streams,
      scenario,
      groupNames: this.groupNames,
      zoneNames: this.zoneNames,
      nodeGroup: this.nodeGroup,
      nodeZone: this.nodeZone,
      zoneClients: this.etcd?.zoneClients ?? null,
    });

    this.server = new UpdateServer({
      sim,
      trace,
      versions: this.versions,
      groups: scenario.fleet.groups.map((g) => ({ name: g.name, channel: g.channel, nodeCount: g.nodes })),
      nodeGroup: this.nodeGroup,
      policy: scenario.policy,
      releases: scenario.releases.filter((r) => r.at <= this.horizonMs),
      bandwidthBps: scenario.server.bandwidth,
      nodeBandwidthBps: scenario.server.nodeBandwidth,
      startEpochMs: scenario.start,
      horizonMs: this.horizonMs,
      warinessSalt: streams.stream('server.wariness').int(0, 0x7fffffff),
      // Zincati nodes send their identity.rollout_wariness when configured.
      configuredWariness: groupAgents.includes('zincati') ? (node) => (groupAgents[this.nodeGroup[node]] === 'zincati' ? this.rebootGroups.warinessOf(this.nodeGroup[node]) : NaN) : undefined,
      listener: this.serverListener(),
    });
    this.elision =
      scenario.fidelity === 'fast'
        ? new CheckElision(n, this.nodeGroup, this.groupNames.length, this.checkRandom, this.groupSchedules, this.server.requests)
        : null;
    const sides = this.nodeSides(scenario, streams);
    this.nodeVersions = sides.nodeVersions;
    this.serverLink = sides.serverLink;
    this.updateEngineSide = sides.updateEngine;
    this.bootSide = sides.boot;

    const compiled = compiledNodeMachines(rebootStrategy(scenario.reboot.strategy, scenario.reboot.agent).agent);
    this.updateEngine = new CompiledRuntime(compiled.updateEngine, n, this.host(UE, 'ue.timer', this.updateEngineEffects(compiled.updateEngine.effectNames)));
    this.boot = new CompiledRuntime(compiled.boot, n, this.host(BOOT, 'boot.timer', this.bootEffects(compiled.boot.effectNames)));
    this.kuredTicks = groupAgents.includes('kured') ? new KuredTicks(n) : null;
    const world = this;
    this.rebootEffects = new RebootEffects({
      sim, trace, scenario, metrics: this.metrics, rebootGroups: this.rebootGroups, workloads: this.workloads,
      get managers() {
        return world.rebootManager;
      },
      kuredTicks: this.kuredTicks, nodeGroup: this.nodeGroup,
      groupNames: this.groupNames, clockSkewMs: this.clockSkewMs, miscRandom: this.miscRandom,
      toRebootManager: (node, event) => this.post(RM, node, event),
      toBoot: (node, event) => this.post(BOOT, node, event),
    });
    // The first agent's timers keep the kind name a one-agent fleet always had.
    this.rebootManager = new RebootManagers(groupAgents.length > 0 ? groupAgents : [scenario.reboot.agent], this.nodeGroup, (agent, index, machine) =>
      this.host(RM, index === 0 ? 'rm.timer' : `rm.timer.${agent.name}`, this.rebootEffects.handlers(agent, machine.effectNames), () => this.rebootManager.runtimes[index]),
    );

    const boot = scenario.fleet.boot;
    // The machines' schedule fields are the world's schedule (the first check elision reads it).
    this.updateEngine.initAll({ ...this.schedule });
    // Fedora CoreOS (Zincati's nodes) has no automatic boot rollback (boot.ts autoRollback).
    this.boot.initAll({ markGoodAfterMs: boot.markGoodAfter, autoRollback: scenario.reboot.agent === 'zincati' ? 0 : 1 });
    // Each node as its group's agent wants it: reboot manager, check schedule, boot rollback.
    initNodeAgents(this, scenario, groupAgents, this.groupSchedules, options.elideKuredIdleTicks ?? scenario.fidelity === 'fast');
    // A cold start boots every node at t=0 (all down until they boot); a warm start finds
    // them up a while already.
    const cold = scenario.fleet.coldStart;
    if (cold) for (let i = 0; i < n; i++) this.metrics.nodeDown(i, 0);
    this.workloads?.start(cold);
    for (let i = 0; i < n; i++) {
      this.post(BOOT, i, cold ? events.powerOn(this.miscRandom.range(i, boot.boot)) : events.START_WARM);
    }
    this.flush();
  }

  /** Total transitions taken by the node machines. */
  get transitions(): number {
    return this.updateEngine.transitions + this.boot.transitions + this.rebootManager.transitions;
  }

  /** Bytes of node-machine state per node (state codes, context columns, timer handles). */
  get machineBytesPerNode(): number {
    return this.updateEngine.bytesPerInstance + this.boot.bytesPerInstance + this.rebootManager.bytesPerInstance;
  }

  /** Settles elided checks at the end of the run so that request counts stop at the horizon. */
  finish(nowMs: number): void {
    this.rebootGroups.finish();
    if (this.elision === null) return;
    for (let node = 0; node < this.nodeCount; node++) {
      if (this.elision.sleepKind[node] !== SLEEP_NONE) this.elision.settle(node, nowMs);
    }
  }

  // ---- primitives for faults and the UI ---------------------------------------------------

  /** The node loses power or crashes (any state). */
  crashNode(node: number): void {
    this.post(BOOT, node, events.CRASH);
  }

  /** Power returns to a node that is down: it boots. */
  powerOnNode(node: number): void {
    this.post(BOOT, node, events.powerOn(this.miscRandom.range(node, this.scenario.fleet.boot.boot)));
  }

  /** True when the nodes take a reboot lock (etcd-lock, fleet-lock). */
  get hasLock(): boolean {
    return !(this.lock instanceof NoLock);
  }

  /** `watcher` learns the next node granted a lock slot, once (a fault's deferred victim). */
  onNextLockGrant(watcher: (node: number) => void): void {
    this.rebootEffects.onNextLockGrant(watcher);
  }

  /** `watcher` learns of every window check an agent makes at a tick (kured, Zincati periodic). */
  onGateCheck(watcher: (node: number, nowMs: number) => void): void {
    this.rebootEffects.onGateCheck(watcher);
  }

  /** Nodes holding a reboot-lock slot now. */
  lockHolders(): number[] {
    const holders: number[] = [];
    for (let node = 0; node < this.nodeCount; node++) if (this.rebootManager.get(node, 'holdsLock') === 1) holders.push(node);
    return holders;
  }

  nodeIsDown(node: number): boolean {
    return this.metrics.isDown(node);
  }

  /** A clock-skew fault: the node's clock moves by `skewMs` (its reboot window moves with it). */
  skewClock(node: number, skewMs: number): void {
    if (!(node >= 0 && node < this.nodeCount)) fail(`node ${node} does not exist`);
    if (!Number.isFinite(skewMs)) fail(`clock skew must be finite, got ${skewMs}`);
    this.clockSkewMs[node] += skewMs;
  }

  /** A bad-disk fault: writing the node's inactive partition fails verification with `probability`. */
  setBadDiskProbability(node: number, probability: number): void {
    if (!(node >= 0 && node < this.nodeCount)) fail(`node ${node} does not exist`);
    if (!(probability >= 0 && probability <= 1)) fail(`bad-disk probability ${probability} outside [0, 1]`);
    this.badDiskProbability[node] = probability;
  }

  /** A partition isolates a node's own etcd traffic (its lock calls fail as `unavailable`). */
  setLockReachable(node: number, reachable: boolean): void {
    if (!(node >= 0 && node < this.nodeCount)) fail(`node ${node} does not exist`);
    this.lockReachable[node] = reachable ? 1 : 0;
  }

  /** Partitions cut nodes off the update server or reconnect them (ServerLink.setReachable). */
  setServerReachable(nodes: readonly number[], reachable: boolean): void {
    this.serverLink.setReachable(nodes, reachable);
  }

  /** True unless a partition cuts the node off the update server. */
  reachesServer(node: number): boolean {
    return this.serverLink.reaches(node);
  }

  /** True unless a partition isolates the node's own etcd traffic. */
  reachesLock(node: number): boolean {
    return this.lockReachable[node] === 1;
  }

  /** Message loss on the way to the update server, scope `all` (ServerLink.setLoss). */
  setServerLoss(probability: number): void {
    this.serverLink.setLoss(probability);
  }

  /** Delivers everything posted so far; callers outside a step (faults, actions, the UI) call it. */
  flush(): void {
    this.outbox.flush();
  }

  private post(machine: number, node: number, event: MachineEvent): void {
    this.outbox.post(machine, node, event);
  }

  private deliver(machine: number, node: number, event: MachineEvent): void {
    if (machine === UE) {
      if (event.type === 'STOP') this.updateEngineSide.stopping(node);
      this.updateEngine.send(node, event);
    } else if (machine === BOOT) {
      this.boot.send(node, event);
    } else {
      if (event.type === 'STOP') this.rebootGroups.forget(node);
      this.rebootManager.send(node, event);
    }
  }

  private host(machine: number, kindName: string, effects: EffectHandler[], rebootManager?: () => CompiledRuntime): RuntimeHost {
    const runtime = (): CompiledRuntime => (machine === UE ? this.updateEngine : machine === BOOT ? this.boot : (rebootManager as () => CompiledRuntime)());
    const kind = this.sim.register(kindName, (node, timerCode) => this.outbox.step(() => runtime().fireTimer(node, timerCode)));
    return new MachineHost(this.sim, kind, effects);
  }

  // ---- update_engine's and the boot machine's effects (update-engine-effects.ts, boot-effects.ts)

  private updateEngineEffects(names: readonly string[]): EffectHandler[] {
    return this.updateEngineSide.handlers(names);
  }

  private bootEffects(names: readonly string[]): EffectHandler[] {
    return this.bootSide.handlers(names);
  }

  /** Builds the node's sides of the server link and of the update_engine and boot machines, each behind the host it needs. */
  private nodeSides(scenario: Scenario, streams: RandomStreams): { nodeVersions: NodeVersions; serverLink: ServerLink; updateEngine: UpdateEngineEffects; boot: BootEffects } {
    const { sim, trace, server, elision, metrics, versions, nodeVersion, nodeGroup } = this;
    const post = (machine: number, node: number, event: MachineEvent): void => this.outbox.post(machine, node, event);
    const groupCount = this.groupNames.length;
    const nodeVersions = new NodeVersions({ nodeVersion, nodeGroup, groupCount, metrics, nodeVersionChanged: (node, from, to) => server.nodeVersionChanged(node, from, to) });
    const link = new ServerLink(
      { sim, server, elision, versions: nodeVersions, nodeGroup, groupCount, lossRandom: streams.stream('world.server-loss'), isDownloading: (node) => this.updateEngine.stateName(node) === 'DOWNLOADING', post },
      this.nodeCount,
    );
    const updateEngine = new UpdateEngineEffects(
      {
        sim, trace, server, link, elision, metrics, versions, nodeVersion, post,
        badDiskProbability: this.badDiskProbability,
        workloadHealth: this.workloadHealth,
        // Each fleet group's (Zincati's timing for a Zincati group: reboot.groups.<g>.agent).
        scheduleOf: (node) => this.groupSchedules[this.nodeGroup[node]],
        horizonMs: this.horizonMs,
        checkRandom: this.checkRandom,
        miscRandom: this.miscRandom,
        releaseOf: (version) => this.releasesByVersion.get(version),
        hardwareOf: (node) => (this.nodeHardware[node] < 0 ? null : this.hardwareNames[this.nodeHardware[node]]),
        bootedSlot: (node) => this.boot.get(node, 'bootedSlot'),
        rebootNeeded: (node) => this.post(RM, node, events.rebootNeeded(this.windowWaitMs(node), this.tickWaitMs(node))),
      },
      this.nodeCount,
    );
    const boot = new BootEffects({
      sim, trace, metrics, versions, nodeVersion, nodeVersions, post,
      workloadHealth: this.workloadHealth,
      memberPower: this.memberPower,
      workloads: this.workloads,
      updateEngine,
      miscRandom: this.miscRandom,
      bootTimes: scenario.fleet.boot,
      bootMachine: () => this.boot,
    });
    return { nodeVersions, serverLink: link, updateEngine, boot };
  }

  // ---- the reboot manager's effects (reboot-effects.ts) -----------------------------------

  /** kured's THE drain of a node (RebootEffects.startDrain). */
  startDrain(node: number, timeoutMs: number): void {
    this.rebootEffects.startDrain(node, timeoutMs);
  }

  private tickWaitMs(node: number): number {
    return this.rebootEffects.tickWaitMs(node);
  }

  private windowWaitMs(node: number): number {
    return this.rebootEffects.windowWaitMs(node);
  }

  // ---- the server's notices ---------------------------------------------------------------

  private serverListener(): ServerListener {
    return {
      downloadFinished: (node) => this.updateEngineSide.downloadFinished(node),
      downloadFailed: (node) => this.updateEngineSide.downloadFailed(node),
      groupMayHaveUpdate: (group) => this.serverLink.groupMayHaveUpdate(group),
    };
  }

  // ---- operator actions -------------------------------------------------------------------

  /** Carries out an operator action now (a LATE event of the timeline, or the UI). */
  applyAction(action: Action): void {
    const target: OperatorTarget = {
      server: this.server,
      lock: this.lock,
      lockGroupsFor: (group) => this.rebootGroups.lockGroups.filter((l) => group === null || l.fleetGroups.includes(group)).map((l) => l.name),
      trace: this.trace,
      addRelease: (release) => this.releasesByVersion.set(this.versions.add(release.version), release),
      rollBack: (target) => this.rollBack(resolveNodeTarget(this, target, this.actionRandom)),
    };
    applyOperatorAction(target, action, this.sim.now);
    this.flush();
  }

  /** Flatcar's manual rollback on `nodes` (BootEffects.rollBack). */
  rollBack(nodes: readonly number[]): { rolledBack: number; skipped: number } {
    const result = this.bootSide.rollBack(nodes);
    this.flush();
    return result;
  }

  // ---- inspection (UI, checkers, tests) ---------------------------------------------------

  nodeSnapshot(node: number): {
    group: string;
    zone: string;
    version: string;
    updateStatus: string;
    power: string;
    rebootManager: string;
    partitions: MachineContext;
  } {
    return {
      group: this.groupNames[this.nodeGroup[node]],
      zone: this.zoneNames[this.nodeZone[node]],
      version: this.versions.name(this.nodeVersion[node]),
      updateStatus: this.updateEngine.stateName(node),
      power: this.boot.stateName(node),
      rebootManager: this.rebootManager.stateName(node),
      partitions: this.boot.context(node),
    };
  }

}
