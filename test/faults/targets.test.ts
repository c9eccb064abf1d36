/**
 * sim/faults/targets.ts: the etcd member a fault names, resolved when the fault fires. Fed by hand
 * with a stand-in world (only what the function reads: its etcd cluster's leader and members).
 */
import { describe, expect, it } from 'vitest';
import { resolveEtcdMember } from '../../sim/faults/targets.ts';
import type { World } from '../../sim/model/world/world.ts';

function worldWith(etcd: { leader: number; members: number } | null): World {
  if (etcd === null) return { etcd: null } as unknown as World;
  return { etcd: { cluster: { leader: () => etcd.leader, members: Array.from({ length: etcd.members }, (_, i) => i) } } } as unknown as World;
}

describe('resolveEtcdMember', () => {
  it('finds no member (-1) in a run without etcd, whatever the fault names', () => {
    expect(resolveEtcdMember(worldWith(null), 'leader')).toBe(-1);
    expect(resolveEtcdMember(worldWith(null), 0)).toBe(-1);
  });

  it('resolves `leader` to whoever leads when the fault fires, and -1 when nobody does', () => {
    expect(resolveEtcdMember(worldWith({ leader: 2, members: 3 }), 'leader')).toBe(2);
    expect(resolveEtcdMember(worldWith({ leader: -1, members: 3 }), 'leader')).toBe(-1);
  });

  it('keeps an index of an existing member, first and last included', () => {
    const world = worldWith({ leader: 0, members: 5 });
    expect(resolveEtcdMember(world, 0)).toBe(0);
    expect(resolveEtcdMember(world, 4)).toBe(4);
  });

  it('fails loudly on an index that names no member: past the last, negative, or not whole', () => {
    const world = worldWith({ leader: 0, members: 3 });
    expect(() => resolveEtcdMember(world, 3)).toThrow('etcd member 3 does not exist');
    expect(() => resolveEtcdMember(world, -1)).toThrow('etcd member -1 does not exist');
    expect(() => resolveEtcdMember(world, 1.5)).toThrow('etcd member 1.5 does not exist');
  });
});
