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
 * starts with its node (sim/model/world/member-power.ts): systemd starts etcd when the node boots, so
 * a kill lasts at most until the host's next boot; and a member is not restarted on a host that
 * is down.
 */
export class MemberPower {
  /** Holds by power-loss (the machine is off) and by etcd-kill (the process was killed). */
  private readonly powerHolds: number[];
  private readonly killHolds: number[];

  constructor(private readonly world: World) {
    const members = world.etcd?.cluster.members.length ?? 0;
    this.powerHolds = new Array<number>(members).fill(0);
    this.killHolds = new Array<number>(members).fill(0);
  }

  /** etcd-kill: the process stops until released (or an etcd-restart). */
  kill(member: number): void {
    this.hold(this.killHolds, member);
  }

  unkill(member: number): void {
    if (this.killHolds[member] === 0) return; // an etcd-restart came first
    this.killHolds[member]--;
    this.restartIfFree(member);
  }

  /** power-loss of the member's zone (placement: dedicated). */
  powerOff(member: number): void {
    this.hold(this.powerHolds, member);
  }

  powerOn(member: number): void {
    assert(this.powerHolds[member] > 0, `member ${member} powered on without a power hold`);
    this.powerHolds[member]--;
    this.restartIfFree(member);
  }

  /**
   * etcd-restart: the process restarts (a running one crashes and recovers at once, losing its
   * volatile state: leadership, election timers); a killed one starts again, whatever killed it.
   * Not on a machine without power.
   */
  restart(member: number): void {
    const etcd = this.world.etcd;
    assert(etcd !== null, 'no etcd cluster to restart a member of');
    this.killHolds[member] = 0;
    if (etcd.cluster.isUp(member)) etcd.cluster.crash(member);
    this.restartIfFree(member);
  }

  private hold(holds: number[], member: number): void {
    const etcd = this.world.etcd;
    assert(etcd !== null, 'no etcd cluster to stop a member of');
    assert(member >= 0 && member < holds.length, `etcd member ${member} does not exist`);
    assert(holds[member] < HOLDS_MAX, `member ${member} held down by too many faults`);
    holds[member]++;
    if (etcd.cluster.isUp(member)) etcd.cluster.crash(member);
  }

  private restartIfFree(member: number): void {
    const etcd = this.world.etcd;
    assert(etcd !== null, 'no etcd cluster to restart a member of');
    if (this.killHolds[member] > 0 || this.powerHolds[member] > 0) return;
    const host = this.world.memberNode[member];
    if (host !== undefined && this.world.nodeIsDown(host)) return;
    etcd.cluster.restart(member);
  }
}
