import type { FleetMetrics } from './fleet-metrics.ts';

/** What NodeVersions needs from the world. */
export interface NodeVersionsHost {
  /** The world's column of the version index each node runs; NodeVersions is its one writer. */
  readonly nodeVersion: Int16Array;
  readonly nodeGroup: Uint16Array;
  readonly groupCount: number;
  readonly metrics: FleetMetrics;
  /** The update server learns the version a node now runs (its rollout counts, Omaha's `version`). */
  nodeVersionChanged(node: number, from: number, to: number): void;
}

/**
 * The version each node runs and the fleet's "updated" count: nodes running their group's
 * current target (the newest release the server offers the group). Both move when a node boots
 * another version, and the count moves when the server retargets a group.
 */
export class NodeVersions {
  private readonly groupTarget: Int16Array;
  private updatedCount = 0;

  constructor(private readonly host: NodeVersionsHost) {
    this.groupTarget = new Int16Array(host.groupCount).fill(-1);
  }

  targetOf(group: number): number {
    return this.groupTarget[group];
  }

  /** The node booted version `to`. */
  setVersion(node: number, to: number, nowMs: number): void {
    const host = this.host;
    const from = host.nodeVersion[node];
    const target = this.groupTarget[host.nodeGroup[node]];
    host.nodeVersion[node] = to;
    host.metrics.versionChanged(from, to);
    host.nodeVersionChanged(node, from, to);
    const delta = (to === target ? 1 : 0) - (from === target ? 1 : 0);
    if (delta !== 0) {
      this.updatedCount += delta;
      host.metrics.updatedChanged(this.updatedCount, nowMs, false);
    }
  }

  /** The server now offers `target` to `group`. */
  retarget(group: number, target: number, nowMs: number): void {
    const host = this.host;
    const old = this.groupTarget[group];
    this.groupTarget[group] = target;
    host.metrics.releasePublished(nowMs);
    let delta = 0;
    for (let node = 0; node < host.nodeVersion.length; node++) {
      if (host.nodeGroup[node] !== group) continue;
      const v = host.nodeVersion[node];
      delta += (v === target ? 1 : 0) - (v === old ? 1 : 0);
    }
    this.updatedCount += delta;
    host.metrics.updatedChanged(this.updatedCount, nowMs, true);
  }
}
