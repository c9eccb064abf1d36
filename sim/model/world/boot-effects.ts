import { fail } from '../../engine/assert.ts';
import type { RandomColumn } from '../../engine/random.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { MachineEvent } from '../machine/define.ts';
import type { CompiledRuntime } from '../machine/runtime.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { BOOT_KIND, BOOT_STATE, bootedVersionOf, bootReportOf, canRollBack, type BootContext } from '../node/boot.ts';
import type { VersionTable } from '../server/versions.ts';
import type { FleetMetrics } from './fleet-metrics.ts';
import { bind, type EffectHandler } from './machine-host.ts';
import type { MemberPower } from './member-power.ts';
import * as events from './node-event.ts';
import type { NodeVersions } from './node-versions.ts';
import { BOOT, RM, UE } from './outbox.ts';
import type { UpdateEngineEffects } from './update-engine-effects.ts';
import type { WorkloadHealth } from './workload-health.ts';
import type { WorkloadPort } from './workload-port.ts';

/** What the boot machine's effects need from the world. */
export interface BootHost {
  readonly sim: Simulation;
  readonly trace: Trace;
  readonly metrics: FleetMetrics;
  readonly versions: VersionTable;
  readonly nodeVersion: Int16Array;
  readonly nodeVersions: NodeVersions;
  readonly workloadHealth: WorkloadHealth;
  readonly memberPower: MemberPower;
  readonly workloads: WorkloadPort | null;
  readonly updateEngine: UpdateEngineEffects;
  /** `node.misc`: reboot durations. */
  readonly miscRandom: RandomColumn;
  readonly bootTimes: Scenario['fleet']['boot'];
  /** The boot machines (a manual rollback reads their state). */
  bootMachine(): CompiledRuntime;
  post(machine: number, node: number, event: MachineEvent): void;
}

/**
 * The boot machine's effects: a node coming up (its version, its etcd member, its workloads,
 * update_engine started with the boot's report) and going down; and the operator's manual
 * rollback, which is a boot into the other partition.
 */
export class BootEffects {
  constructor(private readonly host: BootHost) {}

  handlers(names: readonly string[]): EffectHandler[] {
    const host = this.host;
    const handlers: Record<string, EffectHandler> = {
      startedWarm: (node) => {
        host.metrics.nodeUp(node, host.sim.now);
        host.updateEngine.start(node, 1, 0);
        host.post(RM, node, events.BOOTED_WARM);
      },
      booted: (node, c) => this.booted(node, c as BootContext),
      markedGood: (node) => host.trace.emit(host.sim.now, 'node.marked-good', node),
      shutdownStarted: (node) => this.stopped(node, false),
      wentDown: (node) => this.stopped(node, true),
      hung: (node) => host.trace.emit(host.sim.now, 'node.hung', node),
      unbootable: (node) => host.trace.emit(host.sim.now, 'node.unbootable', node),
    };
    return bind(names, handlers, 'boot');
  }

  /** The node shuts down (or, `unplanned`, goes down): its member, its workloads and its two other machines stop. */
  private stopped(node: number, unplanned: boolean): void {
    const host = this.host;
    host.metrics.nodeDown(node, host.sim.now);
    host.memberPower.nodeDown(node);
    host.workloads?.nodeDown(node);
    if (unplanned) host.trace.emit(host.sim.now, 'node.down', node);
    host.post(UE, node, events.STOP);
    host.post(RM, node, events.STOP);
  }

  private booted(node: number, ctx: BootContext): void {
    const host = this.host;
    const now = host.sim.now;
    const version = bootedVersionOf(ctx);
    if (!(version >= 0)) fail(`node ${node} booted an empty partition`);
    if (version !== host.nodeVersion[node]) host.nodeVersions.setVersion(node, version, now);
    if (ctx.bootKind === BOOT_KIND.ROLLBACK) {
      host.metrics.nodeRolledBack(node);
      host.trace.emit(now, 'node.rollback', node, { version: host.versions.name(version) });
    }
    host.trace.emit(now, 'node.boot', node, { slot: ctx.bootedSlot === 0 ? 'A' : 'B', version: host.versions.name(version) });
    if (host.workloadHealth.booted(node, ctx.bootedSlot)) host.trace.emit(now, 'node.workloads-failed', node, { version: host.versions.name(version) });
    host.metrics.nodeUp(node, now);
    host.metrics.rebootEnded(node);
    host.memberPower.nodeUp(node);
    host.workloads?.nodeUp(node);
    host.updateEngine.start(node, 0, bootReportOf(ctx.bootKind));
    host.post(RM, node, events.BOOTED);
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
    const host = this.host;
    const boot = host.bootMachine();
    const now = host.sim.now;
    let rolledBack = 0;
    for (const node of nodes) {
      const ctx = boot.context(node) as BootContext;
      if (boot.stateName(node) === BOOT_STATE.HUNG && ctx.autoRollback === 0 && canRollBack(ctx)) {
        rolledBack++;
        host.post(BOOT, node, events.PRIORITIZE_OTHER);
        host.trace.emit(now, 'node.manual-rollback', node);
        continue;
      }
      if (boot.stateName(node) !== BOOT_STATE.RUNNING_GOOD || !canRollBack(ctx)) continue;
      rolledBack++;
      host.post(BOOT, node, events.PRIORITIZE_OTHER);
      host.trace.emit(now, 'node.manual-rollback', node);
      host.metrics.rebootStarted(node);
      host.trace.emit(now, 'node.reboot', node);
      host.post(BOOT, node, events.reboot(0, host.miscRandom.range(node, host.bootTimes.shutdown), host.miscRandom.range(node, host.bootTimes.boot)));
    }
    return { rolledBack, skipped: nodes.length - rolledBack };
  }
}
