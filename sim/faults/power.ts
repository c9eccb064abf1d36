import { assert } from '../engine/assert.ts';
import type { World } from '../model/world/world.ts';

/**
 * Who keeps a node (or an etcd member) down. Faults overlap: a node crashed for 3 h inside a zone
 * whose power returns after 5 min must stay down until its own crash heals. Each fault that
 * takes a thing down holds it; the thing comes back when the last hold is released. A permanent
 * fault holds forever. Bounded: at most one hold per active fault per thing.
 */
const HOLDS_MAX = 0xffff;

export class NodePower {
  private readonly holds: Uint16Array;

  constructor(private readonly world: World) {
    this.holds = new Uint16Array(world.nodeCount);
  }

  /** Takes the node down (if it is not held down already) and holds it. */
  hold(node: number): void {
    assert(this.holds[node] < HOLDS_MAX, `node ${node} held down by too many faults`);
    if (this.holds[node]++ === 0) this.world.crashNode(node);
  }

  /** Releases one hold; the node boots when none is left. */
  release(node: number): void {
    assert(this.holds[node] > 0, `node ${node} released without a hold`);
    if (--this.holds[node] === 0) this.world.powerOnNode(node);
  }

  isHeld(node: number): boolean {
    return this.holds[node] > 0;
  }
}

/**
 * The same for etcd member processes. A member on a fleet node (placement: fleet) also stops and
 * starts with its node (world.ts memberDown/memberUp): systemd starts etcd when the node boots, so
 * a kill lasts at most until the host's next boot; and a member is not restarted on a host that
 * is down.
 */
export class MemberPower {
  private readonly holds: number[];

  constructor(private readonly world: World) {
    this.holds = new Array<number>(world.etcd?.cluster.members.length ?? 0).fill(0);
  }

  hold(member: number): void {
    const etcd = this.world.etcd;
    assert(etcd !== null, 'no etcd cluster to kill a member of');
    assert(this.holds[member] < HOLDS_MAX, `member ${member} held down by too many faults`);
    this.holds[member]++;
    if (etcd.cluster.isUp(member)) etcd.cluster.crash(member);
  }

  release(member: number): void {
    assert(this.holds[member] > 0, `member ${member} released without a hold`);
    if (--this.holds[member] === 0) this.restartIfHostUp(member);
  }

  /** etcd-restart: starts the member now unless a fault still holds it or its host is down. */
  restart(member: number): void {
    if (this.holds[member] === 0) this.restartIfHostUp(member);
  }

  private restartIfHostUp(member: number): void {
    const etcd = this.world.etcd;
    assert(etcd !== null, 'no etcd cluster to restart a member of');
    const host = this.world.memberNode[member];
    if (host !== undefined && this.world.nodeIsDown(host)) return;
    etcd.cluster.restart(member);
  }
}
