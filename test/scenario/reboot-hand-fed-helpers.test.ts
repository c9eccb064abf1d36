// Hand-fed cases for the reboot section's helpers (sim/scenario/reboot.ts): blockerActive (a kured
// blocker present from `at` for `duration`, again every `every`: docs/scenario-format.md
// "alerts"; "for duration" read as a timer, so `at + duration` is the first instant without it,
// which is what makes `duration < every` the condition for a flapping blocker to ever stop),
// fleetAgents and fleetTakesLock without fleet groups (the section's agent and strategy), the
// protocol of a lock group (the first fleet group that takes a lock decides), effectiveReboot.
import { describe, expect, it } from 'vitest';
import { blockerActive, effectiveReboot, fleetAgents, fleetTakesLock, lockGroups, type Blocker } from '../../sim/scenario/reboot.ts';
import { lines, load } from './helpers.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('a blocker without every is present from at for duration', () => {
  // From 1h for 30m: present in [3 600 000, 5 400 000) ms.
  const once: Blocker = { at: HOUR, duration: 30 * MIN, every: null, group: null };

  it('is absent before at, even one millisecond before', () => {
    expect(blockerActive(once, 0)).toBe(false);
    expect(blockerActive(once, HOUR - 1)).toBe(false);
  });

  it('is present from at itself until one millisecond before at + duration', () => {
    expect(blockerActive(once, HOUR)).toBe(true);
    expect(blockerActive(once, HOUR + 15 * MIN)).toBe(true); // 4 500 000: 15m into it
    expect(blockerActive(once, HOUR + 30 * MIN - 1)).toBe(true); // 5 399 999
  });

  it('is gone at at + duration and stays gone', () => {
    expect(blockerActive(once, HOUR + 30 * MIN)).toBe(false); // 5 400 000
    expect(blockerActive(once, 10 * HOUR)).toBe(false);
  });
});

describe('a flapping blocker comes back every `every` after at', () => {
  // From 10m for 5m, every 1h: present in [10m, 15m), [70m, 75m), [130m, 135m), ...
  const flapping: Blocker = { at: 10 * MIN, duration: 5 * MIN, every: HOUR, group: null };

  it('is present in its first occurrence and absent between occurrences', () => {
    expect(blockerActive(flapping, 10 * MIN)).toBe(true);
    expect(blockerActive(flapping, 30 * MIN)).toBe(false); // 20m after at: 20m mod 60m = 20m >= 5m
  });

  it('is present again one period later, at its start and inside it', () => {
    expect(blockerActive(flapping, 70 * MIN)).toBe(true); // 60m after at: 60m mod 60m = 0 < 5m
    expect(blockerActive(flapping, 72 * MIN)).toBe(true); // 62m after at: 2m < 5m
    expect(blockerActive(flapping, 134 * MIN)).toBe(true); // 124m after at: 4m < 5m
  });

  it('is gone at the end of each occurrence', () => {
    expect(blockerActive(flapping, 15 * MIN)).toBe(false); // 5m after at: 5m is not < 5m
    expect(blockerActive(flapping, 75 * MIN)).toBe(false); // 65m after at: 5m is not < 5m
  });
});

const NO_GROUPS = lines('name: r', 'duration: 1d', 'etcd: {members: 3}');

describe('a fleet without fleet groups runs the section', () => {
  it("lists the section's agent as the fleet's only agent", () => {
    expect(fleetAgents(load(NO_GROUPS + lines('reboot: {agent: kured}')).reboot, [])).toEqual(['kured']);
    expect(fleetAgents(load(NO_GROUPS).reboot, [])).toEqual(['locksmithd']);
  });

  it("takes a lock exactly when the section's strategy does (etcd-lock, kured's daemonset-lock; not reboot)", () => {
    expect(fleetTakesLock(load(NO_GROUPS + lines('reboot: {strategy: etcd-lock}')).reboot, [])).toBe(true);
    expect(fleetTakesLock(load(NO_GROUPS + lines('reboot: {agent: kured}')).reboot, [])).toBe(true);
    expect(fleetTakesLock(load(NO_GROUPS).reboot, [])).toBe(false);
  });
});

describe('the lock protocol of a shared lock group', () => {
  const FLEET = lines('name: r', 'duration: 1d', 'fleet: {groups: [{name: a, nodes: 3}, {name: b, nodes: 3}]}', 'etcd: {members: 3}');

  it('is the first locking fleet group\'s, whether a group without a lock comes before it or after it', () => {
    // a runs the section's reboot (no lock), b etcd-lock (locksmith): both in lock group default.
    const later = load(FLEET + lines('reboot: {groups: {b: {strategy: etcd-lock}}}')).reboot;
    expect(lockGroups(later, ['a', 'b'])).toEqual([{ name: 'default', max: 1, fleetGroups: ['a', 'b'], protocol: 'locksmith', agents: ['locksmithd'] }]);
    const first = load(FLEET + lines('reboot: {strategy: etcd-lock, groups: {b: {strategy: reboot}}}')).reboot;
    expect(lockGroups(first, ['a', 'b'])).toEqual([{ name: 'default', max: 1, fleetGroups: ['a', 'b'], protocol: 'locksmith', agents: ['locksmithd'] }]);
  });
});

describe('effectiveReboot', () => {
  it("keeps the section's value for a key an override holds as undefined (RebootPatch allows it)", () => {
    const section = load(lines('name: r', 'duration: 1d', 'fleet: {groups: [{name: prod, nodes: 3}]}', 'reboot: {drain: 5m}')).reboot;
    const merged = effectiveReboot({ ...section, groups: { prod: { drain: undefined, maxConcurrent: 3 } } }, 'prod');
    expect([merged.drain, merged.maxConcurrent]).toEqual([300_000, 3]); // 5m = 300 000 ms
  });
});
