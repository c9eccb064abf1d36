import { fail } from '../../engine/assert.ts';
import type { RandomStream } from '../../engine/random.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { MachineEvent } from '../machine/define.ts';
import type { UpdateServer } from '../server/update-server.ts';
import { SLEEP_CHECK, type CheckElision } from './check-elision.ts';
import type { NodeVersions } from './node-versions.ts';
import * as events from './node-event.ts';
import { UE } from './outbox.ts';

/** What ServerLink needs from the world. */
export interface ServerLinkHost {
  readonly sim: Simulation;
  readonly server: UpdateServer;
  readonly elision: CheckElision | null;
  readonly versions: NodeVersions;
  readonly nodeGroup: Uint16Array;
  readonly groupCount: number;
  /** `world.server-loss`: which requests message loss drops. */
  readonly lossRandom: RandomStream;
  /** True while the node's update_engine downloads a payload. */
  isDownloading(node: number): boolean;
  post(machine: number, node: number, event: MachineEvent): void;
}

/**
 * The nodes' side of their link to the update server: whether a node's request reaches it
 * (partitions, message loss, a silent outage), and the server's notice that its answer to a
 * group may have changed, which retargets the group and wakes its nodes sleeping through elided
 * checks (their skipped checks might now get another answer).
 */
export class ServerLink {
  /**
   * 1 when the node reaches the update server, 0 while a partition cuts it off (faults only):
   * its checks, reports and downloads then fail as transfer errors / HTTP 5xx would.
   */
  private readonly reachable: Uint8Array;
  /** Probability that a request to the update server is lost (message-loss faults, scope all). */
  private lossProbability = 0;

  constructor(
    private readonly host: ServerLinkHost,
    nodeCount: number,
  ) {
    this.reachable = new Uint8Array(nodeCount).fill(1);
  }

  /** True unless a partition cuts the node off the server. */
  reaches(node: number): boolean {
    return this.reachable[node] === 1;
  }

  /** True while no message loss is set: every request of a node that reaches the server arrives. */
  get lossless(): boolean {
    return this.lossProbability === 0;
  }

  /** One request from `node` reaches the update server (partitions, message loss, a silent outage). */
  answers(node: number): boolean {
    if (this.reachable[node] === 0 || this.host.server.silent) return false;
    return this.lossProbability === 0 || !this.host.lossRandom.chance(this.lossProbability);
  }

  /**
   * Partitions cut nodes off the update server (or reconnect them). A node cut off while
   * downloading loses its transfer; sleeping nodes (elided idle checks) of the groups concerned
   * wake, because their skipped checks would now fail.
   */
  setReachable(nodes: readonly number[], reachable: boolean): void {
    const host = this.host;
    const groups = new Set<number>();
    for (const node of nodes) {
      if (!(node >= 0 && node < this.reachable.length)) fail(`node ${node} does not exist`);
      if (this.reachable[node] === (reachable ? 1 : 0)) continue;
      this.reachable[node] = reachable ? 1 : 0;
      groups.add(host.nodeGroup[node]);
      if (!reachable && host.isDownloading(node)) {
        host.server.abortDownload(node, host.sim.now);
        host.post(UE, node, events.DOWNLOAD_FAILED);
      }
    }
    if (!reachable) for (const group of [...groups].sort((a, b) => a - b)) this.groupMayHaveUpdate(group);
  }

  /**
   * Message loss on the way to the update server (scope `all`). While it is above 0, idle
   * checks are not elided: any of them could be lost and start a backoff.
   */
  setLoss(probability: number): void {
    if (!(probability >= 0 && probability <= 1)) fail(`server loss ${probability} outside [0, 1]`);
    const was = this.lossProbability;
    this.lossProbability = probability;
    if (was === 0 && probability > 0) for (let group = 0; group < this.host.groupCount; group++) this.groupMayHaveUpdate(group);
  }

  /** The server's notice (ServerListener.groupMayHaveUpdate), and the faults' above. */
  groupMayHaveUpdate(group: number): void {
    const host = this.host;
    const now = host.sim.now;
    const target = host.server.groupTarget(group);
    if (target !== host.versions.targetOf(group)) host.versions.retarget(group, target, now);
    const elision = host.elision;
    if (elision === null) return;
    for (const node of elision.takeSleepers(group)) {
      if (elision.sleepKind[node] !== SLEEP_CHECK) continue;
      const delayMs = elision.settle(node, now);
      if (delayMs >= 0) host.post(UE, node, events.rescheduleCheck(delayMs));
    }
  }
}
