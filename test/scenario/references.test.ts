// Checks the cross-section rules: names that must exist, indices in range, a lock strategy that
// needs etcd, unique versions, events within the horizon. Each error points at the value (or the
// key, for a policy of a group that does not exist).
import { describe, expect, it } from 'vitest';
import { errorsOf, lines, load } from './helpers.ts';

const HEAD = lines('name: refs', 'duration: 1d', 'fleet: {groups: [{name: prod, nodes: 10, zones: [a, b], hardware: gen1}, {name: canary, nodes: 2}]}');
const at = (line: number, rest: string) => `test.yaml:${line}:${rest}`;

describe('references', () => {
  it('a lock strategy needs etcd members, and the error names etcd.members', () => {
    expect(errorsOf(HEAD + lines('etcd: {members: 0}', 'reboot: {strategy: etcd-lock}'))).toEqual([
      at(4, '17: etcd.members: expected etcd.members >= 1 because reboot.strategy is etcd-lock, found 0'),
    ]);
    expect(load(HEAD + lines('etcd: {members: 3}', 'reboot: {strategy: etcd-lock}')).reboot.strategy).toBe('etcd-lock');
  });

  it('policy groups must name fleet groups; the error points at the key', () => {
    expect(errorsOf(HEAD + lines('policy:', '  groups:', '    prd: {safeMode: true}'))).toEqual([
      at(6, '5: policy.groups.prd: expected a group of fleet.groups (prod, canary), found "prd"'),
    ]);
  });

  it('fault targets must name existing groups, zones, nodes and etcd members', () => {
    const text =
      HEAD +
      lines(
        'etcd: {members: 3}',
        'faults:',
        '  - {at: 1h, kind: node-crash, target: {group: prd}}',
        '  - {at: 1h, kind: node-crash, target: {group: canary, zone: b}}',
        '  - {at: 1h, kind: clock-skew, target: {nodes: [3, 12]}, skew: 1h}',
        '  - {at: 1h, kind: etcd-kill, target: {etcd: 3}}',
        '  - {at: 1h, kind: partition, sides: [[zone:c], [etcd:leader, node:99]], duration: 1m}',
        '  - {at: 1h, kind: bad-disk, target: {count: 13}}',
        '  - {at: 2d, kind: server-outage, duration: 1h}',
      );
    expect(errorsOf(text)).toEqual([
      at(6, '48: faults[0].target.group: expected a group of fleet.groups (prod, canary), found "prd"'),
      at(7, '62: faults[1].target.zone: expected a zone of group canary (a), found "b"'),
      at(8, '52: faults[2].target.nodes[1]: expected a node index below the fleet size 12, found 12'),
      at(9, '46: faults[3].target.etcd: expected an etcd member index below etcd.members (3), found 3'),
      at(10, '40: faults[4].sides[0][0]: expected a zone of fleet.groups (a, b), found "c"'),
      at(10, '63: faults[4].sides[1][1]: expected a node index below the fleet size 12, found 99'),
      at(11, '46: faults[5].target.count: expected a count of at most the fleet size 12, found 13'),
      at(12, '10: faults[6].at: expected the fault within the horizon (duration 86400000ms), found 172800000ms'),
    ]);
  });

  it('etcd faults need an etcd cluster, and so does a lock-holder fault need a lock', () => {
    expect(errorsOf(HEAD + lines('faults:', '  - {at: 1h, kind: etcd-restart, target: {etcd: leader}}', '  - {at: 1h, kind: lock-holder-dies}'))).toEqual([
      at(5, '49: faults[0].target.etcd: expected an etcd cluster (etcd.members >= 1), found etcd.members 0'),
      at(6, '20: faults[1].kind: expected a reboot lock (reboot.strategy etcd-lock or fleet-lock or daemonset-lock), found strategy reboot'),
    ]);
  });

  it('release versions are unique, across releases and publish-release actions', () => {
    const text = HEAD + lines('releases: [{version: "1.0"}, {version: "2.0"}]', 'actions: [{at: 1h, do: publish-release, release: {version: "1.0"}}]');
    expect(errorsOf(text)).toEqual([at(5, '60: actions[0].release.version: expected unique release versions, found "1.0" again (first at releases[0].version)')]);
  });

  it('per-class boot failure probabilities must name a hardware class of the fleet', () => {
    expect(errorsOf(HEAD + lines('releases: [{version: a, bootFailureProbability: {gen2: 0.5, default: 0.1}}]'))).toEqual([
      at(4, '50: releases[0].bootFailureProbability.gen2: expected a hardware class of fleet.groups (gen1) or default, found "gen2"'),
    ]);
  });

  it('actions must name existing groups; set-policy also accepts default', () => {
    const text = HEAD + lines('actions:', '  - {at: 1h, do: pause-rollout, group: prd}', '  - {at: 1h, do: set-policy, group: default, policy: {safeMode: true}}', '  - {at: 1h, do: unlock, group: canary}');
    expect(errorsOf(text)).toEqual([at(5, '40: actions[0].group: expected a group of fleet.groups (prod, canary), found "prd"')]);
  });
});
