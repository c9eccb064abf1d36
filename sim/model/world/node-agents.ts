import type { CompiledRuntime } from '../machine/runtime.ts';
import type { CheckSchedule } from '../node/check-schedule.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { effectiveReboot } from '../../scenario/reboot.ts';
import { rebootStrategy, type AgentName } from '../../agents/registry.ts';
import type { RebootManagers } from './reboot-managers.ts';

interface NodeMachines {
  readonly nodeGroup: Uint16Array;
  readonly updateEngine: CompiledRuntime;
  readonly boot: CompiledRuntime;
  readonly rebootManager: RebootManagers;
}

/**
 * Starts each node's machines as its fleet group's agent wants them, after the world initialised
 * the update engines and boot machines for the section's agent: the reboot manager of the node's
 * agent with its strategy, and, for a node whose agent is not the section's, its OS's ways:
 * - update source timing: a Zincati node checks Cincinnati on Zincati's schedule
 *   (zincati-timing.ts), a locksmithd or kured node on update_engine's (the scenario's);
 * - boot: Fedora CoreOS (Zincati) has no automatic rollback of a failed boot, Flatcar has
 *   (sim/model/node/boot.ts autoRollback).
 * A fleet of one agent and one strategy writes nothing here beyond the reboot managers' initAll,
 * exactly as before per-group agents.
 */
export function initNodeAgents(
  world: NodeMachines,
  scenario: Scenario,
  groupAgents: readonly AgentName[],
  groupSchedules: readonly CheckSchedule[],
  elideKuredIdleTicks: boolean,
): void {
  const reboot = scenario.reboot;
  const codes = scenario.fleet.groups.map((g) => {
    const effective = effectiveReboot(reboot, g.name);
    return rebootStrategy(effective.strategy, effective.agent).code;
  });
  const managers = world.rebootManager;
  // Each runtime starts with the strategy of the first group of its agent (the section's for an
  // etcd-only fleet); the nodes of other strategies are set below.
  const initialCode = (agent: string): number => {
    const group = groupAgents.indexOf(agent as AgentName);
    return group >= 0 ? codes[group] : rebootStrategy(reboot.strategy, reboot.agent).code;
  };
  managers.initAll((agent) =>
    agent.name === 'kured'
      ? // kured's flags (cmd/kured/main.go), from the scenario's v2 keys.
        { periodMs: reboot.period, drainTimeoutMs: reboot.drainTimeout, forceReboot: reboot.forceReboot ? 1 : 0, rebootDelayMs: reboot.rebootDelay, lockReleaseDelayMs: reboot.lockReleaseDelay, elideIdleTicks: elideKuredIdleTicks ? 1 : 0 }
      : { strategy: initialCode(agent.name) },
  );
  const sectionSchedule = groupSchedules.find((_, g) => groupAgents[g] === reboot.agent);
  const n = world.nodeGroup.length;
  for (let node = 0; node < n; node++) {
    const g = world.nodeGroup[node];
    const agent = groupAgents[g];
    if (agent !== 'kured' && codes[g] !== initialCode(agent)) managers.set(node, 'strategy', codes[g]);
    if (agent === reboot.agent) continue;
    const schedule = groupSchedules[g];
    if (schedule !== sectionSchedule) {
      world.updateEngine.set(node, 'firstMs', schedule.firstMs);
      world.updateEngine.set(node, 'intervalMs', schedule.intervalMs);
      world.updateEngine.set(node, 'fuzzMs', schedule.fuzzMs);
      world.updateEngine.set(node, 'backoffMaxMs', schedule.backoffMaxMs);
    }
    if ((agent === 'zincati') !== (reboot.agent === 'zincati')) world.boot.set(node, 'autoRollback', agent === 'zincati' ? 0 : 1);
  }
}
