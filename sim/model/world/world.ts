import { assert, fail } from '../../engine/assert.ts';
import type { RandomColumn, RandomStream, RandomStreams } from '../../engine/random.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { MachineContext, MachineEvent } from '../machine/define.ts';
import { CompiledRuntime, type RuntimeHost } from '../machine/runtime.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Release } from '../../scenario/release.ts';
import type { Action } from '../../scenario/actions.ts';
import { bootFailureProbabilityFor, workloadFailureProbabilityFor } from '../../scenario/release.ts';
import { BOOT_KIND, BOOT_STATE, bootedVersionOf, bootReportOf, canRollBack, type BootContext } from '../node/boot.ts';
import { otherSlot } from '../node/gptprio.ts';
import { zincatiCheckSchedule } from '../node/zincati-timing.ts';
import { checkIntervalMs, firstCheckMs, warmStartCheckMs, type CheckSchedule } from '../node/check-schedule.ts';
import { BOOT_REPORT, CHECK_RESULT, ERROR_CODE, OMAHA_EVENT, OMAHA_RESULT } from '../node/omaha.ts';
import type { UpdateEngineContext } from '../node/update-engine.ts';
import { UpdateServer, type ServerListener } from '../server/update-server.ts';
import { VersionTable } from '../server/versions.ts';
import * as events from './node-event.ts';
import { CheckElision, SLEEP_CHECK, SLEEP_NONE } from './check-elision.ts';
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
 * Over 400 lines, knowingly: the effect handlers of the three node machines share the world's
 * per-node columns and its outbox; the parts that stand alone are apart (fleet-layout.ts,
 * machine-host.ts, member-power.ts, reachable-lock.ts, operator-actions.ts, no-lock.ts); the
 * reboot managers' effects are behind a narrow host interface (reboot-effects.ts), one machine per
 * node's agent (reboot-managers.ts, node-agents.ts). The other handlers are the next split.
 */
const UE = 0;
const BOOT = 1;
const RM = 2;
const OUTBOX_DRAIN_MAX = 50_000_000;
/** libcurl_http_fetcher.cc: an update check with no HTTP answer is tried again 3 times, 10 s apart. */
const FETCHER_NO_NETWORK_RETRIES = 3;
const FETCHER_NO_NETWORK_RETRY_MS = 10_000;
/** Fills delivered outbox slots so that they keep no event alive (not the queue's NO_EVENT handle). */
const EMPTY_SLOT: MachineEvent = Object.freeze({ type: '' });

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
   * 1 when the node reaches the update server, 0 while a partition cuts it off (faults only):
   * its checks, reports and downloads then fail as transfer errors / HTTP 5xx would.
   */
  readonly serverReachable: Uint8Array;
  /** Identifies a node's current update check; its fetcher's pending tries carry it. */
  private readonly checkToken: Int32Array;
  /**
   * 1 when the node's reboot-lock traffic reaches etcd, 0 while a partition isolates the node
   * itself from its zone's etcd client (faults only; see ReachableLock).
   */
  readonly lockReachable: Uint8Array;
  /** Probability that a request to the update server is lost (message-loss faults, scope all). */
  private serverLossProbability = 0;
  private readonly serverLossRandom: RandomStream;
  /** Picks the nodes of an operator action's `count`/`fraction` target. */
  private readonly actionRandom: RandomStream;
  /** Version each node last downloaded (for its rollback report). */
  private readonly installingVersion: Int16Array;
  /** When the node's download started, and how many were running then (for the trace). */
  private readonly downloadStartMs: Float64Array;
  private readonly downloadConcurrency: Uint32Array;

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
  private readonly groupTarget: Int16Array;
  private updatedCount = 0;

  // The outbox: events produced by effects, delivered in order after the current step.
  private readonly outMachine: number[] = [];
  private readonly outNode: number[] = [];
  private readonly outEvent: MachineEvent[] = [];
  private outHead = 0;
  /** Entries in use (the arrays keep their length between drains: no shrinking and regrowing). */
  private outTail = 0;
  private delivering = false;
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
    this.serverReachable = new Uint8Array(n).fill(1);
    this.checkToken = new Int32Array(n);
    this.lockReachable = new Uint8Array(n).fill(1);
    this.serverLossRandom = streams.stream('world.server-loss');
    this.actionRandom = streams.stream('operator.actions');
    this.installingVersion = new Int16Array(n).fill(-1);
    this.downloadStartMs = new Float64Array(n);
    this.downloadConcurrency = new Uint32Array(n);
    this.versions = new VersionTable(scenario.fleet.version);
    for (const release of scenario.releases) this.releasesByVersion.set(this.versions.add(release.version), release);
    this.groupTarget = new Int16Array(this.groupNames.length).fill(-1);
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
    initNodeAgents(this, scenario, groupAgents, this.groupSchedules, options.elideKuredIdleTicks ?? scenario.fidelity === 'fast');
    // A cold start boots every node at t=0 (all down until they boot); a warm start finds
    // them up a while already.
    const cold = scenario.fleet.coldStart;
    if (cold) for (let i = 0; i < n; i++) this.metrics.nodeDown(i, 0);
    this.workloads?.start(cold);
    for (let i = 0; i < n; i++) {
      this.post(BOOT, i, cold ? events.powerOn(this.miscRandom.range(i, boot.boot)) : events.START_WARM);
    }
    this.drain();
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

  /**
   * Partitions cut nodes off the update server (or reconnect them). A node cut off while
   * downloading loses its transfer; sleeping nodes (elided idle checks) of the groups concerned
   * wake, because their skipped checks would now fail.
   */
  setServerReachable(nodes: readonly number[], reachable: boolean): void {
    const groups = new Set<number>();
    for (const node of nodes) {
      if (!(node >= 0 && node < this.nodeCount)) fail(`node ${node} does not exist`);
      if (this.serverReachable[node] === (reachable ? 1 : 0)) continue;
      this.serverReachable[node] = reachable ? 1 : 0;
      groups.add(this.nodeGroup[node]);
      if (!reachable && this.updateEngine.stateName(node) === 'DOWNLOADING') {
        this.server.abortDownload(node, this.sim.now);
        this.post(UE, node, events.DOWNLOAD_FAILED);
      }
    }
    if (!reachable) for (const group of [...groups].sort((a, b) => a - b)) this.groupMayHaveUpdate(group);
  }

  /**
   * Message loss on the way to the update server (scope `all`). While it is above 0, idle
   * checks are not elided: any of them could be lost and start a backoff.
   */
  setServerLoss(probability: number): void {
    if (!(probability >= 0 && probability <= 1)) fail(`server loss ${probability} outside [0, 1]`);
    const was = this.serverLossProbability;
    this.serverLossProbability = probability;
    if (was === 0 && probability > 0) for (let group = 0; group < this.groupNames.length; group++) this.groupMayHaveUpdate(group);
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

  /** One request from `node` reaches the update server (partitions, message loss, a silent outage). */
  private serverAnswers(node: number): boolean {
    if (this.serverReachable[node] === 0 || this.server.silent) return false;
    return this.serverLossProbability === 0 || !this.serverLossRandom.chance(this.serverLossProbability);
  }

  /** Delivers everything posted so far; callers outside a step (faults, actions, the UI) call it. */
  flush(): void {
    if (!this.delivering) this.drain();
  }

  // ---- the outbox -------------------------------------------------------------------------

  private post(machine: number, node: number, event: MachineEvent): void {
    const i = this.outTail++;
    if (i === this.outMachine.length) {
      this.outMachine.push(machine);
      this.outNode.push(node);
      this.outEvent.push(event);
    } else {
      this.outMachine[i] = machine;
      this.outNode[i] = node;
      this.outEvent[i] = event;
    }
    if (!this.delivering) this.drain();
  }

  private drain(): void {
    this.delivering = true;
    try {
      let delivered = 0;
      while (this.outHead < this.outTail) {
        const i = this.outHead++;
        const event = this.outEvent[i];
        this.outEvent[i] = EMPTY_SLOT;
        this.deliver(this.outMachine[i], this.outNode[i], event);
        assert(++delivered < OUTBOX_DRAIN_MAX, 'the outbox does not drain: machines answering each other forever?');
      }
      this.outHead = 0;
      this.outTail = 0;
    } finally {
      this.delivering = false;
    }
  }

  private deliver(machine: number, node: number, event: MachineEvent): void {
    if (machine === UE) {
      if (event.type === 'STOP') this.checkToken[node]++; // a check's pending tries die with update_engine
      // A sleeping node (elided checks) is settled before anything else reaches it.
      if (this.elision !== null && this.elision.sleepKind[node] !== SLEEP_NONE && event.type === 'STOP') {
        this.elision.settle(node, this.sim.now);
      }
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
    const kind = this.sim.register(kindName, (node, timerCode) => {
      this.delivering = true;
      try {
        runtime().fireTimer(node, timerCode);
      } finally {
        this.delivering = false;
      }
      this.drain();
    });
    return new MachineHost(this.sim, kind, effects);
  }

  // ---- update_engine's effects ------------------------------------------------------------

  private updateEngineEffects(names: readonly string[]): EffectHandler[] {
    const handlers: Record<string, EffectHandler> = {
      checkForUpdate: (node, c) => this.checkForUpdate(node, c as UpdateEngineContext),
      reportDownloadStarted: (node, c) => {
        if (this.serverAnswers(node)) this.server.report(node, OMAHA_EVENT.DOWNLOAD_STARTED, OMAHA_RESULT.SUCCESS, 0, (c as UpdateEngineContext).offeredVersion, this.sim.now);
      },
      startDownload: (node, c) => {
        const version = (c as UpdateEngineContext).offeredVersion;
        this.installingVersion[node] = version;
        this.downloadStartMs[node] = this.sim.now;
        // A partition fails the transfer; message loss only slows a TCP download down.
        this.downloadConcurrency[node] = this.server.activeDownloads + 1;
        if (this.serverReachable[node] === 1) this.server.startDownload(node, version, this.sim.now);
        else this.sim.callAfter(0, () => this.post(UE, node, events.DOWNLOAD_FAILED));
      },
      abortDownload: (node) => this.server.abortDownload(node, this.sim.now),
      reportDownloadFinished: (node, c) => {
        if (this.serverAnswers(node)) this.server.report(node, OMAHA_EVENT.DOWNLOAD_FINISHED, OMAHA_RESULT.SUCCESS, 0, (c as UpdateEngineContext).offeredVersion, this.sim.now);
      },
      postInstall: (node, c) => {
        const version = (c as UpdateEngineContext).offeredVersion;
        const release = this.releasesByVersion.get(version);
        if (!(release !== undefined)) fail(`no release for version index ${version}`);
        const hardware = this.nodeHardware[node] < 0 ? null : this.hardwareNames[this.nodeHardware[node]];
        const bad = this.miscRandom.chance(node, bootFailureProbabilityFor(release, hardware)) ? 1 : 0;
        // Postinstall writes the partition the node is not running.
        this.workloadHealth.installed(node, otherSlot(this.boot.get(node, 'bootedSlot')), workloadFailureProbabilityFor(release, hardware));
        this.post(BOOT, node, events.postInstall(version, bad));
      },
      reportUpdateComplete: (node, c) => {
        if (this.serverAnswers(node)) this.server.report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.SUCCESS, 0, (c as UpdateEngineContext).offeredVersion, this.sim.now);
      },
      needReboot: (node) => {
        this.trace.emit(this.sim.now, 'node.update-ready', node, { version: this.versions.name(this.installingVersion[node]) });
        // The first ping is scheduled like every check, with the regular fuzz
        // (update_check_scheduler.cc SetUpdateStatus on UPDATED_NEED_REBOOT).
        this.post(UE, node, events.rescheduleCheck(checkIntervalMs(this.scheduleOf(node), this.checkRandom.next(node))));
        this.post(RM, node, events.rebootNeeded(this.windowWaitMs(node), this.tickWaitMs(node)));
      },
      ping: (node) => {
        const now = this.sim.now;
        this.server.ping(node, now);
        const answer =
          this.elision !== null
            ? this.elision.answerPing(node, now, this.horizonMs)
            : { u: this.checkRandom.next(node), elidedMs: 0 };
        this.post(UE, node, events.pingResponse(answer.u, answer.elidedMs));
      },
      reportError: (node, c) => {
        const ctx = c as UpdateEngineContext;
        if (this.serverAnswers(node)) this.server.report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.ERROR, ctx.errorCode, ctx.offeredVersion, this.sim.now);
        this.metrics.nodeFailed(node);
        this.trace.emit(this.sim.now, 'node.update-error', node, { errorCode: ctx.errorCode });
        this.post(UE, node, events.errorReported(this.checkRandom.next(node)));
      },
    };
    return bind(names, handlers, 'updateEngine');
  }

  private checkForUpdate(node: number, ctx: UpdateEngineContext): void {
    const now = this.sim.now;
    if (this.elision !== null && this.elision.sleepKind[node] === SLEEP_CHECK) {
      // The real check after the skipped ones: they all lie in the past now.
      this.elision.sleepKind[node] = SLEEP_NONE;
    }
    const token = ++this.checkToken[node];
    this.sendCheck(node, ctx.pendingReport, token, 0);
  }

  /**
   * One try of an update check request, carrying the boot report built into it (`report`,
   * BOOT_REPORT). Without an HTTP answer the fetcher tries again, 10 s apart, 3 times
   * (libcurl_http_fetcher.cc CurlPerformOnce, no_network_max_retries_ = 3 set by
   * update_attempter.cc BuildUpdateActions, kNoNetworkRetrySeconds = 10); then update_engine
   * gets NO_ANSWER and the report, built once, is lost. `token` ties the tries to one check:
   * the node stopping or checking anew makes the pending tries stale.
   */
  private sendCheck(node: number, report: number, token: number, retries: number): void {
    const now = this.sim.now;
    const version = this.nodeVersion[node];
    if (!this.serverAnswers(node)) {
      if (retries < FETCHER_NO_NETWORK_RETRIES) {
        this.trace.emit(now, 'node.check-retry', node, { retry: retries + 1 });
        this.sim.callAfter(FETCHER_NO_NETWORK_RETRY_MS, () => {
          if (this.checkToken[node] === token) this.sendCheck(node, report, token, retries + 1);
        });
        return;
      }
      if (report !== BOOT_REPORT.NONE) this.metrics.bootReportLost(node);
      this.trace.emit(now, 'node.check-no-answer', node, { bootReportLost: report });
      this.post(UE, node, events.checkResponse(CHECK_RESULT.NO_ANSWER, -1, this.checkRandom.next(node), 0));
      return;
    }
    if (report !== BOOT_REPORT.NONE && this.server.inOutage) this.metrics.bootReportLost(node);
    if (report === BOOT_REPORT.SUCCESS_REBOOT) {
      this.server.report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.SUCCESS_REBOOT, 0, version, now);
    } else if (report === BOOT_REPORT.ROLLBACK) {
      this.server.report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.ERROR, ERROR_CODE.ROLLBACK, this.installingVersion[node], now);
    } else {
      this.server.reportNoPreviousVersion(node, now);
    }
    const answer = this.server.check(node, version, now);
    let u: number;
    let elidedMs = 0;
    if (this.elision !== null && answer.result === CHECK_RESULT.NO_UPDATE && this.serverLossProbability === 0) {
      // The decision says until when the answer holds: the checks before then are elided.
      const changeMs = Math.min(answer.validUntilMs, this.horizonMs);
      const elided = changeMs > now ? this.elision.answerCheck(node, now, changeMs) : { u: this.checkRandom.next(node), elidedMs: 0 };
      u = elided.u;
      elidedMs = elided.elidedMs;
    } else {
      u = this.checkRandom.next(node);
    }
    this.post(UE, node, events.checkResponse(answer.result, answer.version, u, elidedMs));
  }

  // ---- the boot machine's effects ---------------------------------------------------------

  private bootEffects(names: readonly string[]): EffectHandler[] {
    const handlers: Record<string, EffectHandler> = {
      startedWarm: (node) => {
        this.metrics.nodeUp(node, this.sim.now);
        this.startUpdateEngine(node, 1, 0);
        this.post(RM, node, events.BOOTED);
      },
      booted: (node, c) => this.booted(node, c as BootContext),
      markedGood: (node) => this.trace.emit(this.sim.now, 'node.marked-good', node),
      shutdownStarted: (node) => {
        this.metrics.nodeDown(node, this.sim.now);
        this.memberPower.nodeDown(node);
        this.workloads?.nodeDown(node);
        this.post(UE, node, events.STOP);
        this.post(RM, node, events.STOP);
      },
      wentDown: (node) => {
        this.metrics.nodeDown(node, this.sim.now);
        this.memberPower.nodeDown(node);
        this.workloads?.nodeDown(node);
        this.trace.emit(this.sim.now, 'node.down', node);
        this.post(UE, node, events.STOP);
        this.post(RM, node, events.STOP);
      },
      hung: (node) => this.trace.emit(this.sim.now, 'node.hung', node),
      unbootable: (node) => this.trace.emit(this.sim.now, 'node.unbootable', node),
    };
    return bind(names, handlers, 'boot');
  }

  private booted(node: number, ctx: BootContext): void {
    const now = this.sim.now;
    const version = bootedVersionOf(ctx);
    if (!(version >= 0)) fail(`node ${node} booted an empty partition`);
    const previous = this.nodeVersion[node];
    if (version !== previous) this.setVersion(node, previous, version);
    if (ctx.bootKind === BOOT_KIND.ROLLBACK) {
      this.metrics.nodeRolledBack(node);
      this.trace.emit(now, 'node.rollback', node, { version: this.versions.name(version) });
    }
    this.trace.emit(now, 'node.boot', node, { slot: ctx.bootedSlot === 0 ? 'A' : 'B', version: this.versions.name(version) });
    if (this.workloadHealth.booted(node, ctx.bootedSlot)) this.trace.emit(now, 'node.workloads-failed', node, { version: this.versions.name(version) });
    this.metrics.nodeUp(node, now);
    this.metrics.rebootEnded(node);
    this.memberPower.nodeUp(node);
    this.workloads?.nodeUp(node);
    this.startUpdateEngine(node, 0, bootReportOf(ctx.bootKind));
    this.post(RM, node, events.BOOTED);
  }

  /**
   * Starts a node's update_engine. Its first check is elided too (fast fidelity) when nothing
   * can change its answer before it happens and it carries no boot report: counted at its time,
   * with the checks after it (CheckElision.elideFirstCheck), and START tells the machine how long
   * after that first check its first real one comes (`elidedMs`).
   */
  private startUpdateEngine(node: number, warm: number, bootResult: number): void {
    const u = this.checkRandom.next(node);
    this.post(UE, node, events.start(u, warm, bootResult, this.elideFirstCheck(node, warm, bootResult, u)));
  }

  /** elidedMs for START: 0 when the first check is not elided. */
  private elideFirstCheck(node: number, warm: number, bootResult: number, u: number): number {
    if (this.elision === null || bootResult !== BOOT_REPORT.NONE || this.serverLossProbability !== 0 || this.serverReachable[node] === 0) return 0;
    const now = this.sim.now;
    const schedule = this.scheduleOf(node);
    // The delay the machine computes from the same draw (update-engine.ts, action start).
    const checkAtMs = now + (warm === 1 ? warmStartCheckMs(schedule, u) : firstCheckMs(schedule, u));
    // Only a "no newer version" answer: nothing is consulted, so nothing but the request count
    // happens at the first check (a policy could act on it, an outage fails it).
    const decision = this.server.decide(node, this.nodeVersion[node], now);
    if (decision.reason !== 'no-newer-version') return 0;
    const changeMs = Math.min(decision.validUntilMs, this.horizonMs);
    if (!(changeMs > checkAtMs)) return 0;
    return now + this.elision.elideFirstCheck(node, now, checkAtMs, changeMs) - checkAtMs;
  }

  private setVersion(node: number, from: number, to: number): void {
    const g = this.nodeGroup[node];
    const target = this.groupTarget[g];
    this.nodeVersion[node] = to;
    this.metrics.versionChanged(from, to);
    this.server.nodeVersionChanged(node, from, to);
    const delta = (to === target ? 1 : 0) - (from === target ? 1 : 0);
    if (delta !== 0) {
      this.updatedCount += delta;
      this.metrics.updatedChanged(this.updatedCount, this.sim.now, false);
    }
  }

  // ---- the reboot manager's effects (reboot-effects.ts) -----------------------------------

  /** kured's THE drain of a node (RebootEffects.startDrain). */
  startDrain(node: number, timeoutMs: number): void {
    this.rebootEffects.startDrain(node, timeoutMs);
  }

  /** The update-check schedule of a node: its fleet group's (Zincati's timing under Zincati). */
  private scheduleOf(node: number): CheckSchedule {
    return this.groupSchedules[this.nodeGroup[node]];
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
      downloadFinished: (node) => {
        this.trace.emit(this.sim.now, 'node.downloaded', node, {
          // Keys in sorted order: the trace hash sorts them, and sorting allocates.
          concurrentAtStart: this.downloadConcurrency[node],
          durationMs: this.sim.now - this.downloadStartMs[node],
        });
        const verifyOk = this.miscRandom.chance(node, this.badDiskProbability[node]) ? 0 : 1;
        this.post(UE, node, events.downloadDone(verifyOk));
      },
      downloadFailed: (node) => this.post(UE, node, events.DOWNLOAD_FAILED),
      groupMayHaveUpdate: (group) => this.groupMayHaveUpdate(group),
    };
  }

  private groupMayHaveUpdate(group: number): void {
    const now = this.sim.now;
    const target = this.server.groupTarget(group);
    if (target !== this.groupTarget[group]) this.retarget(group, target, now);
    if (this.elision === null) return;
    for (const node of this.elision.takeSleepers(group)) {
      if (this.elision.sleepKind[node] !== SLEEP_CHECK) continue;
      const delayMs = this.elision.settle(node, now);
      if (delayMs >= 0) this.post(UE, node, events.rescheduleCheck(delayMs));
    }
  }

  private retarget(group: number, target: number, nowMs: number): void {
    const old = this.groupTarget[group];
    this.groupTarget[group] = target;
    this.metrics.releasePublished(nowMs);
    let delta = 0;
    for (let node = 0; node < this.nodeCount; node++) {
      if (this.nodeGroup[node] !== group) continue;
      const v = this.nodeVersion[node];
      delta += (v === target ? 1 : 0) - (v === old ? 1 : 0);
    }
    this.updatedCount += delta;
    this.metrics.updatedChanged(this.updatedCount, nowMs, true);
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

  /**
   * Flatcar's manual rollback on `nodes` (Flatcar docs, "Manual rollbacks"): `cgpt prioritize`
   * the other USR partition, then `systemctl reboot`, by hand: no reboot lock, no drain. Only a
   * node up and marked good whose other partition is known good can (canRollBack); the others
   * are skipped. update_engine then runs the older version, and the server may offer the newer
   * one again: an operator pauses the rollout first. A Fedora CoreOS node hung on a failed boot
   * (no automatic rollback, boot.ts) is booted into its previous deployment by hand: the boot
   * machine boots again (no reboot of its own, the node is already down).
   */
  rollBack(nodes: readonly number[]): { rolledBack: number; skipped: number } {
    let rolledBack = 0;
    const now = this.sim.now;
    const boot = this.scenario.fleet.boot;
    for (const node of nodes) {
      const ctx = this.boot.context(node) as BootContext;
      if (this.boot.stateName(node) === BOOT_STATE.HUNG && ctx.autoRollback === 0 && canRollBack(ctx)) {
        rolledBack++;
        this.post(BOOT, node, events.PRIORITIZE_OTHER);
        this.trace.emit(now, 'node.manual-rollback', node);
        continue;
      }
      if (this.boot.stateName(node) !== BOOT_STATE.RUNNING_GOOD || !canRollBack(ctx)) continue;
      rolledBack++;
      this.post(BOOT, node, events.PRIORITIZE_OTHER);
      this.trace.emit(now, 'node.manual-rollback', node);
      this.metrics.rebootStarted(node);
      this.trace.emit(now, 'node.reboot', node);
      this.post(BOOT, node, events.reboot(0, this.miscRandom.range(node, boot.shutdown), this.miscRandom.range(node, boot.boot)));
    }
    this.flush();
    return { rolledBack, skipped: nodes.length - rolledBack };
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
