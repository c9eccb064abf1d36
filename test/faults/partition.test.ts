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
