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
import type { LockAnswer } from './lock-client.ts';
import { RebootGroups } from './reboot-groups.ts';
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
import { rebootStrategy } from '../../agents/registry.ts';
import { blockerActive } from '../../scenario/reboot.ts';
import type { KuredContext } from '../node/agents/kured.ts';

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
 * member-power.ts, reachable-lock.ts, operator-actions.ts, no-lock.ts. The reboot manager's
 * effects are the last part still here.
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
  private readonly lockGrantWatchers: ((node: number) => void)[] = [];
  /** Observers of the agents' window checks (checkGates): the checkers' view, no effect on the run. */
  private readonly gateWatchers: ((node: number, nowMs: number) => void)[] = [];
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
  /** kured only: its ticks (elided idle ticks resume from them; the liveness checker reads them). */
  readonly kuredTicks: KuredTicks | null;
  /** The etcd cluster and its network; null when the scenario has no etcd members. */
  readonly etcd: EtcdSetup | null;
  /** Fleet node hosting each etcd member (placement: fleet), else empty. */
  readonly memberNode: readonly number[];
  private readonly memberPower: MemberPower;
  readonly elision: CheckElision | null;
  readonly updateEngine: CompiledRuntime;
  readonly boot: CompiledRuntime;
  readonly rebootManager: CompiledRuntime;

  private readonly sim: Simulation;
  private readonly trace: Trace;
  private readonly scenario: Scenario;
  private readonly horizonMs: number;
  private readonly checkRandom: RandomColumn;
  private readonly miscRandom: RandomColumn;
  /** The agent waits for the next window after a denied lock (not locksmithd: registry). */
  private readonly rewaitsWindowOnDenial: boolean;
  /** The agent cordons and drains the node itself before its reboot (kured): boot adds no drain. */
  private readonly agentDrains: boolean;
  private readonly releasesByVersion = new Map<number, Release>();

  /** Events produced by effects, delivered in order after the current step (outbox.ts). */
  private readonly outbox = new Outbox((machine, node, event) => this.deliver(machine, node, event));
  private readonly nodeVersions: NodeVersions;
  private readonly serverLink: ServerLink;
  private readonly updateEngineSide: UpdateEngineEffects;
  private readonly bootSide: BootEffects;
  /** The scenario's update-check schedule, the one the update engines are initialised with. */
  private readonly schedule: CheckSchedule;

  constructor(options: WorldOptions) {
    const { scenario, sim, trace, streams } = options;
    this.scenario = scenario;
    this.sim = sim;
    this.trace = trace;
    this.horizonMs = options.horizonMs;
    const check = scenario.fleet.updateCheck;
    // A Zincati node checks its Cincinnati graph on Zincati's timing, not update_engine's.
    this.schedule =
      scenario.reboot.agent === 'zincati'
        ? zincatiCheckSchedule(scenario.reboot.steadyInterval)
        : { firstMs: check.first, intervalMs: check.interval, fuzzMs: check.fuzz, backoffMaxMs: check.backoffMax };
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
    this.rebootGroups = new RebootGroups(sim, scenario, clientLock, this.nodeGroup, (node, answer) => this.lockAnswer(node, answer));
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
      configuredWariness: scenario.reboot.agent === 'zincati' ? (node) => this.rebootGroups.warinessOf(this.nodeGroup[node]) : undefined,
      listener: this.serverListener(),
    });
    this.elision =
      scenario.fidelity === 'fast'
        ? new CheckElision(n, this.nodeGroup, this.groupNames.length, this.checkRandom, this.schedule, this.server.requests)
        : null;
    const sides = this.nodeSides(scenario, streams);
    this.nodeVersions = sides.nodeVersions;
    this.serverLink = sides.serverLink;
    this.updateEngineSide = sides.updateEngine;
    this.bootSide = sides.boot;

    const strategy = rebootStrategy(scenario.reboot.strategy, scenario.reboot.agent);
    this.rewaitsWindowOnDenial = strategy.agent.rewaitsWindowOnDenial;
    const compiled = compiledNodeMachines(strategy.agent);
    this.updateEngine = new CompiledRuntime(compiled.updateEngine, n, this.host(UE, 'ue.timer', this.updateEngineEffects(compiled.updateEngine.effectNames)));
    this.boot = new CompiledRuntime(compiled.boot, n, this.host(BOOT, 'boot.timer', this.bootEffects(compiled.boot.effectNames)));
    this.rebootManager = new CompiledRuntime(compiled.rebootManager, n, this.host(RM, 'rm.timer', this.rebootManagerEffects(compiled.rebootManager.effectNames)));

    const boot = scenario.fleet.boot;
    // The machines' schedule fields are the world's schedule (the first check elision reads it).
    this.updateEngine.initAll({ ...this.schedule });
    // Fedora CoreOS (Zincati's nodes) has no automatic boot rollback (boot.ts autoRollback).
    this.boot.initAll({ markGoodAfterMs: boot.markGoodAfter, autoRollback: scenario.reboot.agent === 'zincati' ? 0 : 1 });
    const reboot = scenario.reboot;
    this.agentDrains = strategy.agent.name === 'kured';
    this.kuredTicks = this.agentDrains ? new KuredTicks(n) : null;
    this.rebootManager.initAll(
      this.agentDrains
        ? // kured's flags (cmd/kured/main.go), from the scenario's v2 keys.
          { periodMs: reboot.period, drainTimeoutMs: reboot.drainTimeout, forceReboot: reboot.forceReboot ? 1 : 0, rebootDelayMs: reboot.rebootDelay, lockReleaseDelayMs: reboot.lockReleaseDelay, elideIdleTicks: (options.elideKuredIdleTicks ?? scenario.fidelity === 'fast') ? 1 : 0 }
        : { strategy: strategy.code },
    );
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
    this.lockGrantWatchers.push(watcher);
  }

  /** `watcher` learns of every window check an agent makes at a tick (kured, Zincati periodic). */
  onGateCheck(watcher: (node: number, nowMs: number) => void): void {
    this.gateWatchers.push(watcher);
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

  private host(machine: number, kindName: string, effects: EffectHandler[]): RuntimeHost {
    const runtime = (): CompiledRuntime => (machine === UE ? this.updateEngine : machine === BOOT ? this.boot : this.rebootManager);
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
        // One schedule for the whole fleet (per-group agents give each group its own).
        scheduleOf: () => this.schedule,
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

  // ---- the reboot manager's effects -------------------------------------------------------

  private rebootManagerEffects(names: readonly string[]): EffectHandler[] {
    const handlers: Record<string, EffectHandler> = {
      acquireLock: (node) => this.rebootGroups.clientOf(node).acquire(node),
      // kured's (agents/kured.ts): delaytick's draw, the tick's gates, the drain.
      drawUniform: (node) => this.post(RM, node, events.uniform(this.miscRandom.next(node))),
      checkGates: (node) => {
        for (const watcher of this.gateWatchers) watcher(node, this.sim.now);
        const windowWaitMs = this.windowWaitMs(node);
        const blocked = this.rebootBlocked(node);
        this.kuredTicks?.tick(node, this.sim.now, windowWaitMs === 0 && this.rebootManager.get(node, 'sentinel') === 1, blocked);
        this.post(RM, node, events.gates(windowWaitMs, blocked ? 1 : 0));
      },
      startDrain: (node, c) => this.startDrain(node, (c as KuredContext).drainTimeoutMs),
      reboot: (node, c) => {
        this.metrics.rebootStarted(node);
        if (this.agentDrains && (c as KuredContext).forced === 1) {
          this.metrics.rebootForced(node);
          this.trace.emit(this.sim.now, 'node.reboot-forced', node);
        }
        // Started outside the node's window, read on its own clock (locksmithd retries the lock
        // and reboots whenever it gets it once the window has opened).
        if (this.windowWaitMs(node) > 0) this.metrics.rebootOutsideWindow(node);
        this.trace.emit(this.sim.now, 'node.reboot', node);
        const boot = this.scenario.fleet.boot;
        // kured drained the node already (startDrain); locksmithd's reboot drains in the shutdown.
        const drainMs = this.agentDrains ? 0 : this.rebootGroups.drainMsOf(this.nodeGroup[node]);
        const shutdownMs = this.miscRandom.range(node, boot.shutdown);
        const bootMs = this.miscRandom.range(node, boot.boot);
        // With workloads, locksmithd's drain is their eviction-API drain, not a fixed delay.
        if (drainMs > 0 && this.workloads !== null) this.drainBeforeReboot(node, shutdownMs, bootMs);
        else this.post(BOOT, node, events.reboot(drainMs, shutdownMs, bootMs));
      },
      releaseLock: (node) => {
        const release = (): void => this.rebootGroups.clientOf(node).release(node);
        if (this.workloads === null) release();
        else this.workloads.release(node, release);
      },
    };
    // Each agent's machine has its own effects (sim/model/node/machines.ts AGENT_MACHINES).
    for (const name of Object.keys(handlers)) if (!names.includes(name)) delete handlers[name];
    return bind(names, handlers, 'rebootManager');
  }

  /**
   * THE drain of a node (cordon + evictions), begun by an agent that drains before its reboot
   * (kured: drain.RunNodeDrain with Timeout --drain-timeout, 0 = none). It ends with DRAINED, or
   * DRAIN_TIMED_OUT when `timeoutMs` (> 0) runs out first. With workloads it is their drain
   * (workload-port.ts: evictions through the PDBs, kured's uncordon after a timeout without
   * --force-reboot); without, it takes the fleet group's `reboot.drain`. A node that goes down
   * meanwhile gets no answer from the workloads' drain, and ignores the fixed one (its machine is
   * stopped).
   */
  startDrain(node: number, timeoutMs: number): void {
    if (this.workloads !== null) {
      this.trace.emit(this.sim.now, 'node.drain', node, { timeoutMs });
      this.workloads.drain(node, timeoutMs, (outcome) => {
        // kured without --force-reboot uncordons after a failed drain and retries at a later tick.
        if (outcome.kind === 'timedOut' && !this.scenario.reboot.forceReboot) this.workloads?.uncordon(node);
        this.post(RM, node, outcome.kind === 'drained' ? events.DRAINED : events.DRAIN_TIMED_OUT);
      });
      return;
    }
    const drainMs = this.rebootGroups.drainMsOf(this.nodeGroup[node]);
    const timedOut = timeoutMs > 0 && drainMs > timeoutMs;
    this.trace.emit(this.sim.now, 'node.drain', node, { timeoutMs });
    this.sim.callAfter(timedOut ? timeoutMs : drainMs, () => this.post(RM, node, timedOut ? events.DRAIN_TIMED_OUT : events.DRAINED));
  }

  /**
   * locksmithd's optional drain (`reboot.drain` > 0) with workloads: the node is drained through
   * the eviction API (bounded by `reboot.drainTimeout`, 0 = none) before the reboot goes ahead,
   * the lock held throughout. locksmithd has no retry of its own: a drain that times out reboots
   * anyway, counted in `reboots.forced`.
   */
  private drainBeforeReboot(node: number, shutdownMs: number, bootMs: number): void {
    const timeoutMs = this.scenario.reboot.drainTimeout;
    this.trace.emit(this.sim.now, 'node.drain', node, { timeoutMs });
    (this.workloads as WorkloadPort).drain(node, timeoutMs, (outcome) => {
      if (outcome.kind === 'timedOut') {
        this.metrics.rebootForced(node);
        this.trace.emit(this.sim.now, 'node.reboot-forced', node);
      }
      this.post(BOOT, node, events.reboot(0, shutdownMs, bootMs));
    });
  }

  /** kured resting with its idle ticks elided: the delay to the tick it would have come to (kured-ticks.ts). */
  private tickWaitMs(node: number): number {
    if (this.kuredTicks === null || this.rebootManager.stateName(node) !== 'dormant') return 0;
    return this.kuredTicks.nextTickWaitMs(node, this.sim.now, this.rebootManager.get(node, 'periodMs'));
  }

  /** kured's blockers at a tick (cmd/kured/main.go rebootBlocked): an alert, or a blocking pod on the node. */
  private rebootBlocked(node: number): boolean {
    const reboot = this.scenario.reboot;
    const now = this.sim.now;
    for (const alert of reboot.alerts) if (blockerActive(alert, now)) return true;
    const group = this.groupNames[this.nodeGroup[node]];
    for (const pods of reboot.blockingPods) if ((pods.group === null || pods.group === group) && blockerActive(pods, now)) return true;
    return false;
  }

  private lockAnswer(node: number, answer: LockAnswer): void {
    if (answer === 'LOCK_GRANTED' && this.lockGrantWatchers.length > 0) {
      const watchers = this.lockGrantWatchers.splice(0);
      for (const watcher of watchers) watcher(node);
    }
    this.post(
      RM,
      node,
      answer === 'LOCK_DENIED'
        ? events.lockDenied(this.rewaitsWindowOnDenial ? this.windowWaitMs(node) : 0)
        : answer === 'LOCK_GRANTED'
          ? events.LOCK_GRANTED
          : answer === 'LOCK_RELEASED'
            ? events.LOCK_RELEASED
            : events.RELEASE_FAILED,
    );
  }

  /** Time until the node's reboot window opens, read on its own (possibly skewed) clock. */
  private windowWaitMs(node: number): number {
    const window = this.rebootGroups.windowOf(this.nodeGroup[node]);
    if (window === null) return 0;
    return window.msUntilOpen(this.scenario.start + this.sim.now + this.clockSkewMs[node]);
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
