// The reboot section's per-fleet-group overrides and lock groups (sim/scenario/reboot.ts): a fleet
// group's settings are the section's with its override on top (like policy.groups), and the lock
// groups come out in the order of their first fleet group, each with its own max (locksmith's
// GROUP, coreos/locksmith README "Groups").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCK_GROUP, effectiveReboot, lockGroups } from '../../sim/scenario/reboot.ts';
import { errorsOf, lines, load } from './helpers.ts';

const HEAD = lines(
  'name: groups',
  'duration: 1d',
  'fleet: {groups: [{name: etcd-hosts, nodes: 3}, {name: workers, nodes: 20}, {name: batch, nodes: 5}]}',
  'etcd: {members: 3}',
);
const at = (line: number, rest: string) => `test.yaml:${line}:${rest}`;

describe('reboot groups', () => {
  it('without reboot.groups every fleet group shares the default lock group with reboot.maxConcurrent', () => {
    const s = load(HEAD + lines('reboot: {strategy: etcd-lock, maxConcurrent: 2}'));
    expect(s.reboot.lockGroup).toBe(DEFAULT_LOCK_GROUP);
    expect(lockGroups(s.reboot, ['etcd-hosts', 'workers', 'batch'])).toEqual([{ name: 'default', max: 2, fleetGroups: ['etcd-hosts', 'workers', 'batch'], protocol: 'locksmith', agents: ['locksmithd'] }]);
  });

  it('a fleet group override changes only the keys it names (policy.groups semantics)', () => {
    const s = load(
      HEAD +
        lines(
          'reboot:',
          '  strategy: etcd-lock',
          '  drain: 5m',
          '  window: {days: [Sat], start: "02:00", length: 4h}',
          '  groups:',
          '    etcd-hosts: {lockGroup: etcd}',
          '    workers: {maxConcurrent: 5, lockGroup: workers, window: null}',
        ),
    );
    const etcdHosts = effectiveReboot(s.reboot, 'etcd-hosts');
    const workers = effectiveReboot(s.reboot, 'workers');
    const batch = effectiveReboot(s.reboot, 'batch');
    expect([etcdHosts.lockGroup, etcdHosts.maxConcurrent, etcdHosts.drain]).toEqual(['etcd', 1, 300_000]);
    expect(etcdHosts.window).not.toBeNull();
    // `window: null` in an override clears the section's window for that group.
    expect([workers.lockGroup, workers.maxConcurrent, workers.window]).toEqual(['workers', 5, null]);
    expect([batch.lockGroup, batch.maxConcurrent]).toEqual(['default', 1]);
    expect(lockGroups(s.reboot, ['etcd-hosts', 'workers', 'batch']).map((l) => [l.name, l.max, l.fleetGroups])).toEqual([
      ['etcd', 1, ['etcd-hosts']],
      ['workers', 5, ['workers']],
      ['default', 1, ['batch']],
    ]);
  });

  it('lock groups partition the fleet groups, each taking the max of its fleet groups (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ lock: fc.constantFrom('a', 'b', 'c'), max: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 6 }), (rows) => {
        const names = rows.map((_, i) => `g${i}`);
        // Fleet groups in one lock group agree on its max (references.ts rejects the rest).
        const maxOfLock = new Map<string, number>();
        for (const row of rows) if (!maxOfLock.has(row.lock)) maxOfLock.set(row.lock, row.max);
        const reboot = load(
          lines('name: p', 'duration: 1d', `fleet: {groups: [${names.map((n) => `{name: ${n}, nodes: 1}`).join(', ')}]}`, 'reboot:', '  groups:') +
            lines(...rows.map((row, i) => `    g${i}: {lockGroup: ${row.lock}, maxConcurrent: ${maxOfLock.get(row.lock)}}`)),
        ).reboot;
        const groups = lockGroups(reboot, names);
        expect(groups.flatMap((l) => l.fleetGroups).sort()).toEqual([...names].sort());
        expect(groups.map((l) => l.name)).toEqual([...new Set(rows.map((r) => r.lock))]);
        for (const l of groups) expect(l.max).toBe(maxOfLock.get(l.name));
      }),
      { numRuns: 30 },
    );
  });

  it('reboot.groups must name fleet groups; the error points at the key', () => {
    expect(errorsOf(HEAD + lines('reboot:', '  groups:', '    worker: {maxConcurrent: 5}'))).toEqual([
      at(7, '5: reboot.groups.worker: expected a group of fleet.groups (etcd-hosts, workers, batch), found "worker"'),
    ]);
  });

  it('fleet groups sharing a lock group must agree on its maxConcurrent: one semaphore has one max', () => {
    expect(
      errorsOf(HEAD + lines('reboot:', '  strategy: etcd-lock', '  groups:', '    workers: {maxConcurrent: 5, lockGroup: shared}', '    batch: {maxConcurrent: 2, lockGroup: shared}')),
    ).toEqual([
      at(9, '28: reboot.groups.batch.maxConcurrent: expected one maxConcurrent per lock group: lock group "shared" has 5 from fleet group workers, found 2 for fleet group batch'),
    ]);
  });

  it('a per-group override of a key that is one per run (period) is rejected by name', () => {
    const errors = errorsOf(HEAD + lines('reboot:', '  groups:', '    workers: {period: 5m}'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/reboot\.groups\.workers/);
    expect(errors[0]).toMatch(/period/);
  });
});
