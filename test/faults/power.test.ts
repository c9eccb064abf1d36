/**
 * sim/faults/power.ts: who keeps a node or an etcd member down when faults overlap. Fed by hand
 * with a stand-in world that records what the holds do to it (crash, power on, member crash and
 * restart), so each expected call list is written out, not computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { MemberPower, NodePower } from '../../sim/faults/power.ts';
import type { World } from '../../sim/model/world/world.ts';

function standIn(options: { nodes?: number; members?: number; memberNode?: number[]; downNodes?: number[]; etcd?: boolean } = {}) {
  const calls: string[] = [];
  const up = new Set(Array.from({ length: options.members ?? 0 }, (_, i) => i));
  const down = new Set(options.downNodes ?? []);
  const cluster = {
    members: Array.from({ length: options.members ?? 0 }, (_, i) => i),
    isUp: (m: number) => up.has(m),
    crash: (m: number) => {
      calls.push(`crash member ${m}`);
      up.delete(m);
    },
    restart: (m: number) => {
      calls.push(`restart member ${m}`);
      up.add(m);
    },
  };
  const world = {
    nodeCount: options.nodes ?? 0,
    etcd: options.etcd === false ? null : { cluster },
    memberNode: options.memberNode ?? [],
    nodeIsDown: (n: number) => down.has(n),
    crashNode: (n: number) => calls.push(`crash node ${n}`),
    powerOnNode: (n: number) => calls.push(`power on node ${n}`),
  } as unknown as World;
  return { world, calls, up, down };
}

describe('NodePower', () => {
  it('takes a node down at its first hold and boots it at the release of its last (a crash inside a shorter power loss)', () => {
    const { world, calls } = standIn({ nodes: 3 });
    const power = new NodePower(world);
    power.hold(1);
    power.hold(1);
    expect(power.isHeld(1)).toBe(true);
    power.release(1);
    expect(calls).toEqual(['crash node 1']);
    expect(power.isHeld(1)).toBe(true);
    power.release(1);
    expect(calls).toEqual(['crash node 1', 'power on node 1']);
    expect(power.isHeld(1)).toBe(false);
    expect(power.isHeld(0)).toBe(false);
  });

  it('fails loudly on a release without a hold', () => {
    const { world } = standIn({ nodes: 2 });
    expect(() => new NodePower(world).release(0)).toThrow('node 0 released without a hold');
  });

  it('bounds the holds on one node (65,535) and fails loudly past them', () => {
    const { world, calls } = standIn({ nodes: 1 });
    const power = new NodePower(world);
    for (let i = 0; i < 0xffff; i++) power.hold(0);
    expect(() => power.hold(0)).toThrow('node 0 held down by too many faults');
    expect(calls).toEqual(['crash node 0']);
  });
});

describe('MemberPower', () => {
  it('a killed member starts again when its kill ends, and a kill during a power loss waits for the power', () => {
    const { world, calls } = standIn({ members: 3 });
    const power = new MemberPower(world);
    power.kill(1);
    expect(calls).toEqual(['crash member 1']);
    power.powerOff(1); // already down: no second crash
    power.unkill(1); // still without power
    expect(calls).toEqual(['crash member 1']);
    power.powerOn(1);
    expect(calls).toEqual(['crash member 1', 'restart member 1']);
  });

  it('a member killed during a power loss stays down when the power returns, until its kill ends', () => {
    const { world, calls } = standIn({ members: 2 });
    const power = new MemberPower(world);
    power.powerOff(0);
    power.kill(0);
    power.powerOn(0);
    expect(calls).toEqual(['crash member 0']);
    power.unkill(0);
    expect(calls).toEqual(['crash member 0', 'restart member 0']);
  });

  it('an etcd-restart clears every kill of the member, restarts a running one at once, and the kills ending later change nothing', () => {
    const { world, calls } = standIn({ members: 3 });
    const power = new MemberPower(world);
    power.restart(0); // running: it crashes and recovers
    expect(calls).toEqual(['crash member 0', 'restart member 0']);
    power.kill(2);
    power.kill(2);
    power.restart(2);
    expect(calls).toEqual(['crash member 0', 'restart member 0', 'crash member 2', 'restart member 2']);
    power.unkill(2);
    power.unkill(2);
    expect(calls).toHaveLength(4);
  });

  it('does not restart a member without power, nor one whose fleet host is down', () => {
    const { world, calls, down } = standIn({ members: 2, memberNode: [5, 6], downNodes: [6] });
    const power = new MemberPower(world);
    power.powerOff(0);
    power.restart(0);
    expect(calls).toEqual(['crash member 0']);
    power.kill(1);
    power.unkill(1);
    expect(calls).toEqual(['crash member 0', 'crash member 1']);
    down.delete(6);
    power.kill(1);
    power.unkill(1);
    expect(calls).toEqual(['crash member 0', 'crash member 1', 'restart member 1']);
  });

  it('fails loudly on a member that does not exist, a power-on without a power hold, and a run without etcd', () => {
    const { world } = standIn({ members: 2 });
    const power = new MemberPower(world);
    expect(() => power.kill(2)).toThrow('etcd member 2 does not exist');
    expect(() => power.kill(-1)).toThrow('etcd member -1 does not exist');
    expect(() => power.powerOn(0)).toThrow('member 0 powered on without a power hold');
    const none = new MemberPower(standIn({ etcd: false }).world);
    expect(() => none.kill(0)).toThrow('no etcd cluster to stop a member of');
    expect(() => none.restart(0)).toThrow('no etcd cluster to restart a member of');
  });

  it('bounds the holds on one member and fails loudly past them', () => {
    const { world } = standIn({ members: 1 });
    const power = new MemberPower(world);
    for (let i = 0; i < 0xffff; i++) power.powerOff(0);
    expect(() => power.powerOff(0)).toThrow('member 0 held down by too many faults');
  });
});
