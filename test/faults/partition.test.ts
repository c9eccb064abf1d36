/**
 * layoutPartition: where each side item puts nodes, the update server, etcd members and the
 * zones' etcd clients (sim/faults/partition.ts), on a built (not run) fleet of 12 nodes in zones
 * a/b/c with 5 dedicated members (members 0, 3 in a; 1, 4 in b; 2 in c) or 3 members on the fleet.
 */
import { describe, expect, it } from 'vitest';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { layoutPartition } from '../../sim/faults/partition.ts';
import { parsePartitionMember, type PartitionMember } from '../../sim/scenario/faults.ts';
import { scenarioFrom } from '../run/helpers.ts';

function world(placement = 'dedicated', members = 5, runMs = 0) {
  const yaml = `
name: p
duration: 1h
fleet:
  groups:
    - {name: canary, nodes: 3, zones: [a]}
    - {name: prod, nodes: 9, zones: [a, b, c]}
etcd: {members: ${members}, placement: ${placement}}
reboot: {strategy: etcd-lock}
`;
  const run = new FleetRun(scenarioFrom(yaml));
  if (runMs > 0) run.runUntil(runMs);
  return run.world;
}

const sides = (...texts: string[][]): PartitionMember[][] => texts.map((side) => side.map((t) => parsePartitionMember(t) as PartitionMember));

describe('layoutPartition', () => {
  it('zone:Z takes the zone nodes, its etcd client and its dedicated members; the rest is side -1', () => {
    const w = world();
    const layout = layoutPartition(w, sides(['zone:a']));
    for (let node = 0; node < w.nodeCount; node++) expect(layout.nodeSide[node]).toBe(w.nodeZone[node] === 0 ? 0 : -1);
    expect(layout.memberSide).toEqual([0, -1, -1, 0, -1]);
    expect(layout.zoneClientSide).toEqual([0, -1, -1]);
    expect(layout.serverSide).toBe(-1);
  });

  it('server goes where it is named; group and node items beat zone items, etcd items beat everything', () => {
    const w = world();
    const layout = layoutPartition(w, sides(['zone:a', 'etcd:1'], ['group:canary', 'server'], ['node:0']));
    expect(layout.serverSide).toBe(1);
    expect(layout.nodeSide[0]).toBe(2); // node:0 (canary, zone a)
    expect(layout.nodeSide[1]).toBe(1); // canary beats zone:a
    expect(layout.memberSide[1]).toBe(0);
    // Zone a is named: its client stays on side 0 even though most of its nodes moved away.
    expect(layout.zoneClientSide[0]).toBe(0);
  });

  it("an unnamed zone's etcd client goes with most of its nodes", () => {
    const w = world();
    const layout = layoutPartition(w, sides(['group:prod']));
    // Zone a holds the 3 canaries and 3 prod nodes (a tie: the rest wins); b and c only prod nodes.
    expect(layout.zoneClientSide).toEqual([-1, 0, 0]);
  });

  it('etcd:leader is resolved when the partition starts', () => {
    const w = world('dedicated', 5, 10_000);
    const leader = w.etcd!.cluster.leader();
    expect(leader).toBeGreaterThanOrEqual(0);
    const layout = layoutPartition(w, sides(['etcd:leader']));
    expect(layout.leaders).toEqual([leader]);
    expect(layout.memberSide.map((side, m) => (side === 0 ? m : -1)).filter((m) => m >= 0)).toEqual([leader]);
  });

  it('members on fleet nodes go where their host node goes', () => {
    const w = world('fleet', 3);
    expect(w.memberNode).toEqual([0, 1, 2]);
    const layout = layoutPartition(w, sides(['node:1'], ['group:prod']));
    expect(layout.memberSide).toEqual([-1, 0, -1]);
  });
});

/**
 * Fed by hand: a stand-in world of 6 nodes, zone = node % 3 (a: 0, 3; b: 1, 4; c: 2, 5), canary =
 * nodes 0, 1, prod = 2..5; 3 etcd members in zones a, b, c (dedicated), or on nodes 3, 4, 5
 * (fleet), or none; member 2 leads unless told otherwise.
 */
function standIn(options: { etcd?: boolean; memberNode?: number[]; leader?: number } = {}) {
  return {
    nodeCount: 6,
    zoneNames: ['a', 'b', 'c'],
    groupNames: ['canary', 'prod'],
    nodeZone: Uint16Array.from([0, 1, 2, 0, 1, 2]),
    nodeGroup: Uint16Array.from([0, 0, 1, 1, 1, 1]),
    memberNode: options.memberNode ?? [],
    etcd: options.etcd === false ? null : { cluster: { members: [{}, {}, {}], leader: () => options.leader ?? 2 }, memberZones: ['a', 'b', 'c'] },
  } as unknown as Parameters<typeof layoutPartition>[0];
}

describe('layoutPartition (hand-fed)', () => {
  it('the first side that names a thing at the highest rank keeps it: a later zone does not take a group\'s node, a later side does not take a node or member already named', () => {
    const layout = layoutPartition(standIn(), sides(['group:canary', 'etcd:0', 'node:4'], ['zone:a', 'zone:b', 'etcd:0', 'node:4', 'server'], ['server']));
    // Nodes 0, 1 canary (side 0), node 4 named on side 0 first; node 3 in zone a -> 1.
    expect([...layout.nodeSide]).toEqual([0, 0, -1, 1, 0, -1]);
    // Member 0 named on side 0 first (zone:a on side 1 ranks lower anyway), member 1 with zone b.
    expect(layout.memberSide).toEqual([0, 1, -1]);
    expect(layout.serverSide).toBe(1);
    expect(layout.leaders).toEqual([]);
  });

  it('a zone named twice keeps the first side for its etcd client, even where most of its nodes went elsewhere', () => {
    const layout = layoutPartition(standIn(), sides(['zone:a'], ['zone:a', 'node:0', 'node:3']));
    expect([...layout.nodeSide]).toEqual([1, -1, -1, 1, -1, -1]);
    expect(layout.zoneClientSide).toEqual([0, -1, -1]);
  });

  it("an unnamed zone's client follows the side with most of its nodes", () => {
    const layout = layoutPartition(standIn(), sides(['node:1'], ['node:4', 'node:2'], ['node:5']));
    // Zone a: both nodes on the rest; b: one on side 0, one on side 1 (tie: the lower side); c: sides 1 and 2.
    expect(layout.zoneClientSide).toEqual([-1, 0, 1]);
  });

  it('etcd:leader is listed with what it resolved to; a plain member index is not; a named member on a fleet host stays where it is named', () => {
    const fleet = layoutPartition(standIn({ memberNode: [3, 4, 5] }), sides(['etcd:0'], ['zone:a', 'etcd:leader']));
    // Member 0 named on side 0 although its host (node 3, zone a) is on side 1; member 1 follows
    // node 4 (the rest); member 2 leads: named on side 1.
    expect(fleet.memberSide).toEqual([0, -1, 1]);
    expect(fleet.leaders).toEqual([2]);
    const leaderless = layoutPartition(standIn({ leader: -1 }), sides(['etcd:leader']));
    expect(leaderless.leaders).toEqual([-1]);
    expect(leaderless.memberSide).toEqual([-1, -1, -1]);
  });

  it('without etcd: no members, zones and groups still placed', () => {
    const layout = layoutPartition(standIn({ etcd: false }), sides(['zone:c', 'group:canary']));
    expect(layout.memberSide).toEqual([]);
    expect([...layout.nodeSide]).toEqual([0, 0, 0, -1, -1, 0]);
  });

  it('fails loudly on no side, an unknown zone or group, and a node outside the fleet', () => {
    const w = standIn();
    expect(() => layoutPartition(w, [])).toThrow('a partition needs at least one side');
    expect(() => layoutPartition(w, sides(['zone:d']))).toThrow('partition: unknown zone "d"');
    expect(() => layoutPartition(w, sides(['group:edge']))).toThrow('partition: unknown group "edge"');
    expect(() => layoutPartition(w, sides(['node:6']))).toThrow('partition: node 6 does not exist (the fleet has 6)');
    expect(() => layoutPartition(w, [[{ kind: 'node', node: -1 }]])).toThrow('partition: node -1 does not exist (the fleet has 6)');
  });
});
