import type { RandomColumn } from '../../engine/random.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { MachineEvent } from '../machine/define.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { blockerActive } from '../../scenario/reboot.ts';
import type { RebootAgent } from '../../agents/registry.ts';
import type { KuredContext } from '../node/agents/kured.ts';
import type { FleetMetrics } from './fleet-metrics.ts';
import type { KuredTicks } from './kured-ticks.ts';
import type { LockAnswer } from './lock-client.ts';
import { bind, type EffectHandler } from './machine-host.ts';
import * as events from './node-event.ts';
import type { RebootGroups } from './reboot-groups.ts';
import type { RebootManagers } from './reboot-managers.ts';
import type { WorkloadPort } from './workload-port.ts';

/**
 * What the reboot managers' effects need of the world: its clocks and columns, read-only, and
 * its outbox (an effect never answers synchronously: sim/model/world/world.ts).
 */
export interface RebootEffectsHost {
  readonly sim: Simulation;
  readonly trace: Trace;
  readonly scenario: Scenario;
  readonly metrics: FleetMetrics;
  readonly rebootGroups: RebootGroups;
  readonly workloads: WorkloadPort | null;
  readonly managers: RebootManagers;
  /** kured's ticks when any node runs kured, else null. */
  readonly kuredTicks: KuredTicks | null;
  readonly nodeGroup: Uint16Array;
  readonly groupNames: readonly string[];
  readonly clockSkewMs: Float64Array;
  /** The node's `node.misc` stream (reboot durations, delaytick's draw). */
  readonly miscRandom: RandomColumn;
  /** Posts an event to the node's reboot manager / boot machine (the world's outbox). */
  toRebootManager(node: number, event: MachineEvent): void;
  toBoot(node: number, event: MachineEvent): void;
}

/**
 * The effects of every reboot agent's machine (locksmithd, Zincati, kured: sim/model/node/agents/),
 * carried out for each node by the rules of ITS agent (reboot.groups.<g>.agent): whether the agent
 * drained the node itself (kured) or the reboot drains in the shutdown (locksmithd, Zincati), and
 * whether a denied lock waits for the next window again (registry rewaitsWindowOnDenial).
 */
export class RebootEffects {
  private readonly lockGrantWatchers: ((node: number) => void)[] = [];
  /** Observers of the agents' window checks (checkGates): the checkers' view, no effect on the run. */
  private readonly gateWatchers: ((node: number, nowMs: number) => void)[] = [];

  constructor(private readonly host: RebootEffectsHost) {}

  /** The handlers of one agent's machine, by its effect names (sim/model/node/machines.ts AGENT_MACHINES). */
  handlers(agent: RebootAgent, names: readonly string[]): EffectHandler[] {
    const h = this.host;
    // The agent cordons and drains the node itself before its reboot (kured): boot adds no drain.
    const agentDrains = agent.name === 'kured';
    const kuredTicks = agentDrains ? h.kuredTicks : null;
    const handlers: Record<string, EffectHandler> = {
      acquireLock: (node) => h.rebootGroups.clientOf(node).acquire(node),
      // kured's (agents/kured.ts): delaytick's draw, the tick's gates, the drain.
      drawUniform: (node) => h.toRebootManager(node, events.uniform(h.miscRandom.next(node))),
      checkGates: (node) => {
        for (const watcher of this.gateWatchers) watcher(node, h.sim.now);
        const windowWaitMs = this.windowWaitMs(node);
        const blocked = this.rebootBlocked(node);
        kuredTicks?.tick(node, h.sim.now, windowWaitMs === 0 && h.managers.get(node, 'sentinel') === 1, blocked);
        h.toRebootManager(node, events.gates(windowWaitMs, blocked ? 1 : 0));
      },
      startDrain: (node, c) => this.startDrain(node, (c as KuredContext).drainTimeoutMs),
      reboot: (node, c) => {
        h.metrics.rebootStarted(node);
        if (agentDrains && (c as KuredContext).forced === 1) {
          h.metrics.rebootForced(node);
          h.trace.emit(h.sim.now, 'node.reboot-forced', node);
        }
        // Started outside the node's window, read on its own clock (locksmithd retries the lock
        // and reboots whenever it gets it once the window has opened).
        if (this.windowWaitMs(node) > 0) h.metrics.rebootOutsideWindow(node);
        h.trace.emit(h.sim.now, 'node.reboot', node);
        const boot = h.scenario.fleet.boot;
        // kured drained the node already (startDrain); locksmithd's reboot drains in the shutdown.
        const drainMs = agentDrains ? 0 : h.rebootGroups.drainMsOf(h.nodeGroup[node]);
        const shutdownMs = h.miscRandom.range(node, boot.shutdown);
        const bootMs = h.miscRandom.range(node, boot.boot);
        // With workloads, locksmithd's drain is their eviction-API drain, not a fixed delay.
        if (drainMs > 0 && h.workloads !== null) this.drainBeforeReboot(node, shutdownMs, bootMs);
        else h.toBoot(node, events.reboot(drainMs, shutdownMs, bootMs));
      },
      releaseLock: (node) => {
        const release = (): void => h.rebootGroups.clientOf(node).release(node);
        if (h.workloads === null) release();
        else h.workloads.release(node, release);
      },
    };
    // Each agent's machine has its own effects (sim/model/node/machines.ts AGENT_MACHINES).
    for (const name of Object.keys(handlers)) if (!names.includes(name)) delete handlers[name];
    return bind(names, handlers, 'rebootManager');
  }

  /** `watcher` learns the next node granted a lock slot, once (a fault's deferred victim). */
  onNextLockGrant(watcher: (node: number) => void): void {
    this.lockGrantWatchers.push(watcher);
  }

  /** `watcher` learns of every window check an agent makes at a tick (kured, Zincati periodic). */
  onGateCheck(watcher: (node: number, nowMs: number) => void): void {
    this.gateWatchers.push(watcher);
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
    const h = this.host;
    if (h.workloads !== null) {
      h.trace.emit(h.sim.now, 'node.drain', node, { timeoutMs });
      h.workloads.drain(node, timeoutMs, (outcome) => {
        // kured without --force-reboot uncordons after a failed drain and retries at a later tick.
        if (outcome.kind === 'timedOut' && !h.scenario.reboot.forceReboot) h.workloads?.uncordon(node);
        h.toRebootManager(node, outcome.kind === 'drained' ? events.DRAINED : events.DRAIN_TIMED_OUT);
      });
      return;
    }
    const drainMs = h.rebootGroups.drainMsOf(h.nodeGroup[node]);
    const timedOut = timeoutMs > 0 && drainMs > timeoutMs;
    h.trace.emit(h.sim.now, 'node.drain', node, { timeoutMs });
    h.sim.callAfter(timedOut ? timeoutMs : drainMs, () => h.toRebootManager(node, timedOut ? events.DRAIN_TIMED_OUT : events.DRAINED));
  }

  /**
   * locksmithd's optional drain (`reboot.drain` > 0) with workloads: the node is drained through
   * the eviction API (bounded by `reboot.drainTimeout`, 0 = none) before the reboot goes ahead,
   * the lock held throughout. locksmithd has no retry of its own: a drain that times out reboots
   * anyway, counted in `reboots.forced`.
   */
  private drainBeforeReboot(node: number, shutdownMs: number, bootMs: number): void {
    const h = this.host;
    const timeoutMs = h.scenario.reboot.drainTimeout;
    h.trace.emit(h.sim.now, 'node.drain', node, { timeoutMs });
    (h.workloads as WorkloadPort).drain(node, timeoutMs, (outcome) => {
      if (outcome.kind === 'timedOut') {
        h.metrics.rebootForced(node);
        h.trace.emit(h.sim.now, 'node.reboot-forced', node);
      }
      h.toBoot(node, events.reboot(0, shutdownMs, bootMs));
    });
  }

  /** kured resting with its idle ticks elided: the delay to the tick it would have come to (kured-ticks.ts). */
  tickWaitMs(node: number): number {
    const h = this.host;
    if (h.kuredTicks === null || h.managers.agentOf(node).name !== 'kured' || h.managers.stateName(node) !== 'dormant') return 0;
    return h.kuredTicks.nextTickWaitMs(node, h.sim.now, h.managers.get(node, 'periodMs'));
  }

  /** kured's blockers at a tick (cmd/kured/main.go rebootBlocked): an alert, or a blocking pod on the node. */
  private rebootBlocked(node: number): boolean {
    const h = this.host;
    const reboot = h.scenario.reboot;
    const now = h.sim.now;
    for (const alert of reboot.alerts) if (blockerActive(alert, now)) return true;
    const group = h.groupNames[h.nodeGroup[node]];
    for (const pods of reboot.blockingPods) if ((pods.group === null || pods.group === group) && blockerActive(pods, now)) return true;
    return false;
  }

  /** A lock client's answer to the node's agent. */
  lockAnswer(node: number, answer: LockAnswer): void {
    const h = this.host;
    if (answer === 'LOCK_GRANTED' && this.lockGrantWatchers.length > 0) {
      const watchers = this.lockGrantWatchers.splice(0);
      for (const watcher of watchers) watcher(node);
    }
    h.toRebootManager(
      node,
      answer === 'LOCK_DENIED'
        ? events.lockDenied(h.managers.agentOf(node).rewaitsWindowOnDenial ? this.windowWaitMs(node) : 0)
        : answer === 'LOCK_GRANTED'
          ? events.LOCK_GRANTED
          : answer === 'LOCK_RELEASED'
            ? events.LOCK_RELEASED
            : events.RELEASE_FAILED,
    );
  }

  /** Time until the node's reboot window opens, read on its own (possibly skewed) clock. */
  windowWaitMs(node: number): number {
    const h = this.host;
    const window = h.rebootGroups.windowOf(h.nodeGroup[node]);
    if (window === null) return 0;
    return window.msUntilOpen(h.scenario.start + h.sim.now + h.clockSkewMs[node]);
  }
}
