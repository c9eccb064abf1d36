import { fail } from '../../engine/assert.ts';
import type { EtcdCluster } from '../etcd/cluster.ts';

/**
 * etcd members placed on fleet nodes (`etcd.placement: fleet`): members live on the first nodes
 * of the fleet, spread over its zones, and their nodes' updates and reboots take them out of the
 * cluster. A member stops with its node and starts again when the node is up (etcd keeps its
 * term, vote and log on disk; systemd starts it at boot). The one owner of "is this member's
 * host up" on the world's side; power faults on dedicated members go to the cluster directly
 * (sim/faults/power.ts).
 */
export class MemberPower {
  /** Fleet node hosting each member (placement fleet), else empty. */
  readonly memberNode: number[] = [];
  private readonly memberOfNode = new Map<number, number>();

  constructor(
    private readonly cluster: EtcdCluster | null,
    placement: 'fleet' | 'dedicated',
    memberCount: number,
    nodeCount: number,
  ) {
    if (cluster === null || placement !== 'fleet') return;
    if (!(memberCount <= nodeCount)) fail(`etcd.placement fleet needs at least ${memberCount} nodes`);
    for (let m = 0; m < memberCount; m++) {
      this.memberNode.push(m);
      this.memberOfNode.set(m, m);
    }
  }

  /** The node stopped (shut down or went down): its member stops too. */
  nodeDown(node: number): void {
    const member = this.memberOfNode.get(node);
    if (member !== undefined && this.cluster !== null && this.cluster.isUp(member)) this.cluster.crash(member);
  }

  /** The node is up: its member starts again. */
  nodeUp(node: number): void {
    const member = this.memberOfNode.get(node);
    if (member !== undefined && this.cluster !== null && !this.cluster.isUp(member)) this.cluster.restart(member);
  }
}
