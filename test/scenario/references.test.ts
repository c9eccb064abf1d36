// Checks the cross-section rules: names that must exist, indices in range, a lock strategy that
// needs etcd, unique versions, events within the horizon. Each error points at the value (or the
// key, for a policy of a group that does not exist).
import { describe, expect, it } from 'vitest';
import { checkReferences, pathText } from '../../sim/scenario/references.ts';
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

  it("a lock-holder fault is taken when a fleet group's own strategy takes a lock, though the section's does not", () => {
    // references.ts checkReferences: with reboot.groups, the fleet's lock is fleetTakesLock over
    // every group as it runs (effectiveReboot), not the section's strategy alone.
    const text = HEAD + lines('etcd: {members: 3}', 'reboot: {strategy: reboot, groups: {canary: {strategy: etcd-lock}}}', 'faults: [{at: 1h, kind: lock-holder-dies}]');
    expect(load(text).faults.map((f) => f.kind)).toEqual(['lock-holder-dies']);
    // With the fleet section in error there are no fleet groups to ask: the section's strategy decides.
    const badFleet = lines('name: refs', 'duration: 1d', 'fleet: {groups: [{name: prod, nodes: -1}]}', 'reboot: {strategy: reboot}', 'faults: [{at: 1h, kind: lock-holder-dies}]');
    expect(errorsOf(badFleet)).toEqual([
      at(3, '38: fleet.groups[0].nodes: expected a whole number between 0 and 10000000, found the number -1'), // "-1" at 38
      at(5, '25: faults[0].kind: expected a reboot lock (reboot.strategy etcd-lock or fleet-lock or daemonset-lock), found strategy reboot'),
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

/** checkReferences on hand-built sections (a section left out is one that failed to parse). */
const refs = (sections: object) => checkReferences(sections as never).map((issue) => `${pathText(issue.path)}: ${issue.message}`);
const fleet = (...groups: Array<{ name: string; nodes: number; zones?: string[] }>) => ({ groups: groups.map((g) => ({ zones: ['a'], hardware: null, ...g })) });
const crash = (target: object) => ({ kind: 'node-crash', at: { min: 0, max: 0 }, target });

describe('references between whichever sections parsed', () => {
  it('checks nothing against a section that did not parse: no fleet, no etcd, no horizon, no reboot', () => {
    const faults = [
      crash({ zone: 'z' }),
      crash({ group: 'g', zone: 'z' }),
      crash({ nodes: [99] }),
      crash({ count: 99 }),
      { kind: 'etcd-kill', at: { min: 0, max: 5e12 }, target: { etcd: 9 } },
      { kind: 'lock-holder-dies', at: { min: 0, max: 0 } },
    ];
    const releases = [{ version: '1.0.0', at: 5e12, bootFailureProbability: { gen9: 1 }, workloadFailureProbability: {} }];
    expect(refs({ faults, releases })).toEqual([]);
  });

  it('names "none" when the fleet has no groups', () => {
    expect(refs({ fleet: fleet(), actions: [{ do: 'pause-rollout', at: 0, group: 'prod' }] })).toEqual(['actions[0].group: expected a group of fleet.groups (none), found "prod"']);
  });

  it('accepts the boundaries: a fault at the horizon itself, a count of the whole fleet, one etcd member for a lock, as many members as nodes', () => {
    expect(refs({ duration: 1000, fleet: fleet({ name: 'prod', nodes: 3 }), faults: [{ ...crash({ count: 3 }), at: { min: 1000, max: 1000 } }] })).toEqual([]);
    expect(refs({ etcd: { members: 1, placement: 'dedicated' }, reboot: { strategy: 'etcd-lock', agent: 'locksmithd' } })).toEqual([]);
    expect(refs({ etcd: { members: 3, placement: 'fleet' }, fleet: fleet({ name: 'prod', nodes: 3 }) })).toEqual([]);
  });

  it('a release and an action past the horizon are located at their `at`', () => {
    const release = { version: '1.0.0', at: 2000, bootFailureProbability: {}, workloadFailureProbability: {} };
    expect(refs({ duration: 1000, releases: [release], actions: [{ do: 'resume-rollout', at: 3000, group: 'prod' }] })).toEqual([
      'releases[0].at: expected the release within the horizon (duration 1000ms), found 2000ms',
      'actions[0].at: expected the action within the horizon (duration 1000ms), found 3000ms',
    ]);
  });

  it('partition members: a group or an etcd member that does not exist; the server is no etcd member', () => {
    const partition = (sides: object[][]) => ({ kind: 'partition', at: { min: 0, max: 0 }, sides });
    expect(refs({ fleet: fleet({ name: 'prod', nodes: 3 }), etcd: { members: 3 }, faults: [partition([[{ kind: 'group', group: 'dev' }], [{ kind: 'etcd', etcd: 3 }]])] })).toEqual([
      'faults[0].sides[0][0]: expected a group of fleet.groups (prod), found "dev"',
      'faults[0].sides[1][0]: expected an etcd member index below etcd.members (3), found 3',
    ]);
    expect(refs({ etcd: { members: 0 }, faults: [partition([[{ kind: 'server' }], [{ kind: 'node', node: 0 }]])] })).toEqual([]);
  });

  it('message loss needs etcd only with scope etcd', () => {
    const loss = (scope: string) => ({ kind: 'message-loss', at: { min: 0, max: 0 }, scope });
    expect(refs({ etcd: { members: 0 }, faults: [loss('all')] })).toEqual([]);
    expect(refs({ etcd: { members: 0 }, faults: [loss('etcd')] })).toEqual(['faults[0].scope: expected an etcd cluster for scope etcd (etcd.members >= 1), found etcd.members 0']);
  });

  it('every action that names a group is checked: resume, unlock, set-policy (default aside), the rollback target; a published version must be new', () => {
    const release = { version: '1.0.0', at: 0, bootFailureProbability: {}, workloadFailureProbability: {} };
    const actions = [
      { do: 'resume-rollout', at: 0, group: 'dev' },
      { do: 'unlock', at: 0, group: 'dev' },
      { do: 'unlock', at: 0, group: null },
      { do: 'set-policy', at: 0, group: 'dev' },
      { do: 'set-policy', at: 0, group: 'default' },
      { do: 'rollback', at: 0, target: { group: 'dev' } },
      { do: 'publish-release', at: 0, release },
    ];
    expect(refs({ fleet: fleet({ name: 'prod', nodes: 3 }), releases: [release], actions })).toEqual([
      'actions[0].group: expected a group of fleet.groups (prod), found "dev"',
      'actions[1].group: expected a group of fleet.groups (prod), found "dev"',
      'actions[3].group: expected a group of fleet.groups (prod), found "dev"',
      'actions[5].target.group: expected a group of fleet.groups (prod), found "dev"',
      'actions[6].release.version: expected unique release versions, found "1.0.0" again (first at releases[0].version)',
    ]);
  });

  it("one max per lock group: the error points at the fleet group's own maxConcurrent, its lockGroup, or the section's maxConcurrent", () => {
    const text = (groups: string) =>
      lines('name: refs', 'duration: 1d', 'fleet: {groups: [{name: a, nodes: 2}, {name: b, nodes: 2}]}', 'etcd: {members: 3}', 'reboot:', '  strategy: etcd-lock', '  maxConcurrent: 2', `  groups: ${groups}`);
    expect(errorsOf(text('{a: {maxConcurrent: 1, lockGroup: x}, b: {lockGroup: x}}'))).toEqual([
      'test.yaml:8:64: reboot.groups.b.lockGroup: expected one maxConcurrent per lock group: lock group "x" has 1 from fleet group a, found 2 for fleet group b',
    ]);
    expect(errorsOf(text('{a: {maxConcurrent: 1}}'))).toEqual([
      'test.yaml:7:18: reboot.maxConcurrent: expected one maxConcurrent per lock group: lock group "default" has 1 from fleet group a, found 2 for fleet group b',
    ]);
  });

  it('writes a key path as the file would: names dotted, indices and other keys in brackets', () => {
    expect(pathText(['fleet', 'groups', 1, 'nodes'])).toBe('fleet.groups[1].nodes');
    expect(pathText(['policy', 'groups', 'load balancers'])).toBe('policy.groups["load balancers"]');
    expect(pathText(['policy', 'groups', '9lives'])).toBe('policy.groups["9lives"]');
    expect(pathText(['policy', 'groups', 'a b'])).toBe('policy.groups["a b"]');
    expect(pathText(['_x-1'])).toBe('_x-1');
  });
});
