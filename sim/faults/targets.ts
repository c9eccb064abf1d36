import { assert } from '../engine/assert.ts';
import type { World } from '../model/world/world.ts';

// The node selectors are shared with operator actions (a manual rollback): sim/model/world.
export { resolveNodeTarget } from '../model/world/node-targets.ts';

/**
 * The etcd member a fault names: an index, or `leader`, resolved when the fault fires (whoever
 * leads then). -1 when there is no etcd cluster or no leader at that moment.
 */
export function resolveEtcdMember(world: World, member: number | 'leader'): number {
  if (world.etcd === null) return -1;
  if (member === 'leader') return world.etcd.cluster.leader();
  assert(Number.isInteger(member) && member >= 0 && member < world.etcd.cluster.members.length, `etcd member ${member} does not exist`);
  return member;
}
