// A reboot agent per fleet group (reboot.groups.<g>.agent, issue 15: "a fleet group chooses its
// OS/agent"): the schema takes an agent and a strategy per group, runs each group's as the real
// agent would accept it, and rejects bad combinations at the key at fault.
import { describe, expect, it } from 'vitest';
import { effectiveReboot, fleetAgents, fleetTakesLock, lockGroups } from '../../sim/scenario/reboot.ts';
import { errorsOf, lines, load } from './helpers.ts';

const HEAD = lines(
  'name: mixed',
  'duration: 1d',
  'fleet: {groups: [{name: etcd-hosts, nodes: 3}, {name: workers, nodes: 20}]}',
  'etcd: {members: 3}',
);
const at = (line: number, rest: string) => `test.yaml:${line}:${rest}`;

describe('reboot agents per fleet group', () => {
  it('Flatcar etcd hosts under locksmithd etcd-lock and Fedora CoreOS workers under Zincati fleet-lock are one scenario, with a lock group each', () => {
    const s = load(
      HEAD +
        lines(
          'reboot:',
          '  agent: locksmithd',
          '  strategy: etcd-lock',
          '  groups:',
          '    etcd-hosts: {lockGroup: etcd}',
          '    workers: {agent: zincati, strategy: fleet-lock, maxConcurrent: 5, lockGroup: workers}',
        ),
    );
    expect([effectiveReboot(s.reboot, 'etcd-hosts').agent, effectiveReboot(s.reboot, 'etcd-hosts').strategy]).toEqual(['locksmithd', 'etcd-lock']);
    expect([effectiveReboot(s.reboot, 'workers').agent, effectiveReboot(s.reboot, 'workers').strategy]).toEqual(['zincati', 'fleet-lock']);
    expect(fleetAgents(s.reboot, ['etcd-hosts', 'workers'])).toEqual(['locksmithd', 'zincati']);
    expect(lockGroups(s.reboot, ['etcd-hosts', 'workers']).map((l) => [l.name, l.max, l.protocol, l.agents])).toEqual([
      ['etcd', 1, 'locksmith', ['locksmithd']],
      ['workers', 5, 'fleet-lock', ['zincati']],
    ]);
  });

  it("a group that names another agent and no strategy runs that agent's default, not the section's strategy", () => {
    const s = load(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    workers: {agent: zincati, lockGroup: workers}'));
    expect(effectiveReboot(s.reboot, 'workers').strategy).toBe('immediate');
    const kured = load(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    workers: {agent: kured, lockGroup: workers}'));
    expect(effectiveReboot(kured.reboot, 'workers').strategy).toBe('daemonset-lock');
    // The same agent as the section's keeps the section's strategy.
    const same = load(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    workers: {agent: locksmithd}'));
    expect(effectiveReboot(same.reboot, 'workers').strategy).toBe('etcd-lock');
  });

  it("rejects strategy periodic under locksmithd (a Zincati strategy), at the group's strategy", () => {
    expect(errorsOf(HEAD + lines('reboot:', '  groups:', '    workers: {strategy: periodic}'))).toEqual([
      at(7, '25: reboot.groups.workers.strategy: expected a strategy of agent locksmithd (reboot, off, etcd-lock, fleet-lock), found "periodic"'),
    ]);
  });

  it('rejects kured with a strategy of another agent, with the hint that kured always locks', () => {
    expect(errorsOf(HEAD + lines('reboot:', '  groups:', '    workers: {agent: kured, strategy: etcd-lock}'))).toEqual([
      at(7, '39: reboot.groups.workers.strategy: expected a strategy of agent kured (daemonset-lock) (kured always locks: leave strategy out), found "etcd-lock"'),
    ]);
  });

  it("rejects a group's agent that cannot run the strategy it inherits, at the group's agent", () => {
    expect(errorsOf(HEAD + lines('reboot:', '  agent: zincati', '  strategy: periodic', '  window: {days: [Sat], start: "02:00", length: 4h}', '  groups:', '    workers: {agent: zincati, strategy: etcd-lock}'))).toEqual([
      at(10, '41: reboot.groups.workers.strategy: expected a strategy of agent zincati (immediate, fleet-lock, periodic), found "etcd-lock"'),
    ]);
  });

  it("rejects a Zincati periodic group without a window (Zincati's StrategyPeriodic::new refuses an empty calendar)", () => {
    expect(errorsOf(HEAD + lines('reboot:', '  groups:', '    workers: {agent: zincati, strategy: periodic}'))).toEqual([
      at(7, '41: reboot.groups.workers.strategy: expected a reboot window for zincati strategy periodic, found none'),
    ]);
  });

  it("points a lock-protocol clash at the key that made it: the group's lockGroup, else its strategy, else the section's lockGroup", () => {
    // references.ts checkReferences: the fleet group that brings the second protocol is blamed.
    const clash = (group: string, protocol: string) =>
      `expected one lock protocol per lock group: lock group "default" is a locksmith lock from fleet group etcd-hosts, found ${protocol} for fleet group ${group}; give it its own lockGroup`;
    // "    workers: {agent: zincati, strategy: fleet-lock, lockGroup: default}": "{" is column 14,
    // "agent: zincati, " 15-30, "strategy: fleet-lock, " 31-52, "lockGroup: " 53-63, the value at 64.
    expect(errorsOf(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    workers: {agent: zincati, strategy: fleet-lock, lockGroup: default}'))).toEqual([
      at(8, `64: reboot.groups.workers.lockGroup: ${clash('workers', 'fleet-lock (zincati fleet-lock)')}`),
    ]);
    // "    workers: {strategy: fleet-lock}": "{" is column 14, "strategy: " 15-24, the value at 25.
    expect(errorsOf(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    workers: {strategy: fleet-lock}'))).toEqual([
      at(8, `25: reboot.groups.workers.strategy: ${clash('workers', 'fleet-lock (locksmithd fleet-lock)')}`),
    ]);
    // A group that overrides nothing runs the section's lock: the section's lockGroup is at fault,
    // and, not written, it is located at the section's mapping (line 6, column 3).
    expect(errorsOf(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    etcd-hosts: {strategy: fleet-lock}'))).toEqual([
      at(6, '3: reboot.lockGroup: expected one lock protocol per lock group: lock group "default" is a fleet-lock lock from fleet group etcd-hosts, found locksmith (locksmithd etcd-lock) for fleet group workers; give it its own lockGroup'),
    ]);
  });

  it('rejects two lock protocols under one lock group name: locksmith, airlock and kured keep their semaphores in different places', () => {
    expect(errorsOf(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    workers: {agent: zincati, strategy: fleet-lock}'))).toEqual([
      at(8, '22: reboot.groups.workers.agent: expected one lock protocol per lock group: lock group "default" is a locksmith lock from fleet group etcd-hosts, found fleet-lock (zincati fleet-lock) for fleet group workers; give it its own lockGroup'),
    ]);
    // locksmithd's fleet-lock and Zincati's speak the same FleetLock protocol: one airlock group.
    const shared = load(HEAD + lines('reboot:', '  strategy: fleet-lock', '  groups:', '    workers: {agent: zincati, strategy: fleet-lock}'));
    expect(lockGroups(shared.reboot, ['etcd-hosts', 'workers']).map((l) => [l.name, l.protocol, l.agents])).toEqual([['default', 'fleet-lock', ['locksmithd', 'zincati']]]);
  });

  it("needs etcd when only a group's own strategy takes a lock, and says which group", () => {
    const text = lines('name: m', 'duration: 1d', 'fleet: {groups: [{name: a, nodes: 1}, {name: b, nodes: 1}]}', 'etcd: {members: 0}', 'reboot:', '  groups:', '    b: {agent: kured}');
    expect(errorsOf(text)).toEqual([at(4, '17: etcd.members: expected etcd.members >= 1 because fleet group b runs kured strategy daemonset-lock, found 0')]);
    const s = load(text.replace('members: 0', 'members: 1'));
    expect(fleetTakesLock(s.reboot, ['a'])).toBe(false);
    expect(fleetTakesLock(s.reboot, ['a', 'b'])).toBe(true);
  });
});
