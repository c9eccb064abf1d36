import type { TraceEvent } from '../engine/trace.ts';
import { WeeklySchedule } from '../model/calendar/weekly-schedule.ts';
import { effectiveReboot } from '../scenario/reboot.ts';
import type { CheckedRun } from './context.ts';

/**
 * Agents that re-read the reboot window at their ticks never start a reboot outside it, read on
 * the node's own clock (clock-skew faults included). What each real agent guarantees, and no
 * more:
 * - Zincati `periodic` (coreos/zincati src/strategy/periodic.rs can_finalize, called by
 *   tick_finalize_update right before finalize_deployment): the reboot starts in the instant
 *   the window was found open, so the window is open at the reboot itself.
 * - kured (kubereboot/kured cmd/kured/main.go rebootAsRequired): the window is checked at the
 *   tick, then come the lock and the drain, which may outlast the window (docs/agents.md). So
 *   the guarantee is about the decision: the last window check the node made before the reboot,
 *   since it booted, found the window open. A reboot with no check since boot, or whose last
 *   check found it closed, is a violation.
 * locksmithd waits for the window once and then reboots whenever it gets the lock (coreos/bugs
 * #1886): nothing to check. An operator's manual rollback reboots by hand: not the agent's.
 *
 * The window is read here from the scenario (each fleet group's `reboot.window`) on the node's
 * clock (`world.clockSkewMs`); the window checks are observed through World.onGateCheck.
 */
export const REBOOT_WINDOW = 'reboot-window';

const GATE_NONE = 0;
const GATE_OPEN = 1;
const GATE_CLOSED = 2;

export function installRebootWindowChecker(run: CheckedRun): void {
  const { world, scenario, violations } = run;
  const reboot = scenario.reboot;
  // Per fleet group, by its own agent (reboot.groups.<g>.agent): a mixed fleet checks the groups
  // whose agent re-reads the window, and leaves the others (locksmithd, Zincati immediate/fleet-lock).
  const effective = scenario.fleet.groups.map((g) => effectiveReboot(reboot, g.name));
  const groupKured = effective.map((r) => r.agent === 'kured');
  const groupPeriodic = effective.map((r) => r.agent === 'zincati' && r.strategy === 'periodic');
  if (!groupKured.includes(true) && !groupPeriodic.includes(true)) return;
  const windows = effective.map((r) => {
    const w = r.window;
    return w === null ? null : WeeklySchedule.window(w.days, w.start, w.length, w.timezone);
  });
  const n = world.nodeCount;
  const openAt = (node: number, nowMs: number): boolean => {
    const window = windows[world.nodeGroup[node]];
    return window === null || window.msUntilOpen(scenario.start + nowMs + world.clockSkewMs[node]) === 0;
  };
  /** kured: what the node's last window check since its boot found. */
  const lastGate = new Uint8Array(n);
  const manualRollbackAt = new Float64Array(n).fill(-1);
  if (groupKured.includes(true)) world.onGateCheck((node, nowMs) => (lastGate[node] = openAt(node, nowMs) ? GATE_OPEN : GATE_CLOSED));
  run.trace.subscribe((event: TraceEvent) => {
    if (typeof event.subject !== 'number') return;
    const node = event.subject;
    switch (event.kind) {
      case 'node.boot':
        lastGate[node] = GATE_NONE;
        break;
      case 'node.manual-rollback':
        manualRollbackAt[node] = event.time;
        break;
      case 'node.reboot': {
        if (manualRollbackAt[node] === event.time) return;
        const group = world.nodeGroup[node];
        if (groupPeriodic[group] && !openAt(node, event.time)) {
          violations.record(event.time, REBOOT_WINDOW, `node ${node} (zincati periodic) started a reboot outside its window, on its clock`);
        } else if (groupKured[group] && lastGate[node] !== GATE_OPEN) {
          const why = lastGate[node] === GATE_NONE ? 'no window check since it booted' : 'its last window check found the window closed';
          violations.record(event.time, REBOOT_WINDOW, `node ${node} (kured) started a reboot with ${why}`);
        }
        break;
      }
    }
  });
}
