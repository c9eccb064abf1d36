import type { TraceEvent } from '../engine/trace.ts';
import type { CheckedRun } from './context.ts';

/**
 * A node's version changes only by an update or a rollback:
 * - an update: the node boots the version update_engine installed (`node.update-ready
 *   {version}`, emitted when postinstall finished and a reboot is needed);
 * - a rollback: `node.rollback` just before the boot, back to the version the node ran before
 *   its last update;
 * - a manual rollback (`node.manual-rollback`, the operator's `rollback` action): the next boot
 *   runs the other partition, the version the node ran before (which swaps the two).
 * Any other change of the version a node boots is a violation: a partition written behind
 * update_engine's back, or a boot of the wrong slot.
 */
export const VERSION_CHANGE = 'version-change';

export function installVersionChangeChecker(run: CheckedRun): void {
  const { world, violations } = run;
  const n = world.nodeCount;
  const running: string[] = new Array<string>(n);
  const before: (string | null)[] = new Array<string | null>(n).fill(null);
  const installed: (string | null)[] = new Array<string | null>(n).fill(null);
  const rollbackAt = new Float64Array(n).fill(-1);
  const manual = new Uint8Array(n);
  for (let node = 0; node < n; node++) running[node] = world.versions.name(world.nodeVersion[node]);
  run.trace.subscribe((event: TraceEvent) => {
    switch (event.kind) {
      case 'node.update-ready':
        installed[event.subject as number] = String(event.data?.version);
        break;
      case 'node.rollback':
        rollbackAt[event.subject as number] = event.time;
        break;
      case 'node.manual-rollback':
        manual[event.subject as number] = 1;
        break;
      case 'node.boot': {
        const node = event.subject as number;
        const version = String(event.data?.version);
        const rollback = rollbackAt[node] === event.time;
        rollbackAt[node] = -1;
        const manualRollback = manual[node] === 1;
        manual[node] = 0;
        if (version === running[node]) return;
        if (manualRollback && version === before[node]) {
          before[node] = running[node];
          running[node] = version;
        } else if (!rollback && version === installed[node]) {
          before[node] = running[node];
          running[node] = version;
        } else if (rollback && version === before[node]) {
          running[node] = version;
        } else {
          const why = rollback ? `a rollback to ${version}, but it ran ${before[node] ?? 'nothing else'} before its update` : `${version} was never installed (last install: ${installed[node] ?? 'none'})`;
          violations.record(event.time, VERSION_CHANGE, `node ${node} went from ${running[node]} to ${version}: ${why}`);
          running[node] = version;
        }
        break;
      }
    }
  });
}
