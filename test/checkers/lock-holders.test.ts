/**
 * The lock-holders checker (sim/checkers/lock-holders.ts) reads every committed semaphore value
 * itself. A locksmith semaphore whose policy is broken to ignore `max` (and whose own assertion
 * is switched off) makes it fire; the real locks keep it silent (test/checkers/silent.test.ts
 * runs them under random faults).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCK_HOLDERS } from '../../sim/checkers/index.ts';
import { lockGroupOfKey, parseLocksmithHolders } from '../../sim/checkers/lock-holders.ts';
import { prepare, rollout, violationsOf } from './helpers.ts';

/** Two lock groups: etcd hosts one at a time, workers five (the section's default max is 5). */
const lockGroupsYaml = (fidelity = 'fast') => `
name: lock-groups
duration: 1d
fidelity: ${fidelity}
fleet:
  groups:
    - {name: etcd-hosts, nodes: 3, zones: [a, b, c]}
    - {name: workers, nodes: 30, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  strategy: etcd-lock
  maxConcurrent: 5
  # A 40-minute drain keeps holders in place across check intervals, so each semaphore fills.
  drain: 40m
  groups:
    etcd-hosts: {maxConcurrent: 1, lockGroup: etcd}
    workers: {lockGroup: workers}
`;

/** The lock's policy broken to grant a slot even when the semaphore is at 0, its own assertion off. */
function breakLocksmith(run: ReturnType<typeof prepare>): void {
  const lock = run.world.lock as unknown as { policy: { lock: (s: { semaphore: number; holders: string[] }, node: number) => string }; onWrite: () => void };
  lock.policy = {
    ...lock.policy,
    lock: (s, node) => {
      const id = String(node);
      if (s.holders.includes(id)) return 'already-held';
      s.holders.push(id);
      s.semaphore--;
      return 'acquired';
    },
  };
  lock.onWrite = () => {};
}

describe('lock-holders checker', () => {
  it('fires when a broken locksmith lets a second holder in (coreos/locksmith lock/semaphore.go: max holders)', () => {
    // A 5-minute drain keeps holders in place long enough for a second node to want the lock.
    const run = prepare(rollout('etcd-lock').replace('maxConcurrent: 1}', 'maxConcurrent: 1, drain: 5m}'));
    const lock = run.world.lock as unknown as { policy: { lock: (s: { semaphore: number; holders: string[] }, node: number) => string }; onWrite: () => void };
    // The mutation: grant even when the semaphore is at 0; silence the lock's own assertion.
    lock.policy = {
      ...lock.policy,
      lock: (s, node) => {
        const id = String(node);
        if (s.holders.includes(id)) return 'already-held';
        s.holders.push(id);
        s.semaphore--;
        return 'acquired';
      },
    };
    lock.onWrite = () => {};
    run.runToEnd();
    const found = violationsOf(run, LOCK_HOLDERS);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toMatch(/live holders .* exceed max 1/);
  });

  it('stays silent over a whole locksmith rollout with max 1, then max 3', () => {
    for (const max of [1, 3]) {
      const run = prepare(rollout('etcd-lock').replace('maxConcurrent: 1', `maxConcurrent: ${max}`));
      run.runToEnd();
      expect(run.report().rollout.completed).toBe(true);
      expect(run.report().etcd.maxLockHolders).toBeGreaterThan(0);
      expect(violationsOf(run, LOCK_HOLDERS)).toEqual([]);
    }
  });

  it("judges each lock group's semaphore by its own max: a second etcd host is caught although the section's max is 5 (coreos/locksmith lock/etcd.go groups)", () => {
    const run = prepare(lockGroupsYaml());
    breakLocksmith(run);
    run.runToEnd();
    const messages = violationsOf(run, LOCK_HOLDERS).map((v) => v.message);
    expect(messages.some((m) => /^coreos\.com\/updateengine\/rebootlock\/groups\/etcd\/semaphore: [23] live holders .* exceed max 1$/.test(m))).toBe(true);
  });

  it('stays silent over a rollout with two lock groups that each fill up (etcd 1, workers 5)', () => {
    const run = prepare(lockGroupsYaml());
    run.runToEnd();
    const report = run.report();
    expect(report.rollout.completed).toBe(true);
    expect(report.locks).toEqual([
      { group: 'etcd', max: 1, maxHolders: 1 },
      { group: 'workers', max: 5, maxHolders: 5 },
    ]);
    expect(violationsOf(run, LOCK_HOLDERS)).toEqual([]);
  });

  it("reads a semaphore key's lock group from the real key layouts (locksmith README, lock/etcd.go: Go url.QueryEscape)", () => {
    expect(lockGroupOfKey('coreos.com/updateengine/rebootlock/semaphore')).toBe('default');
    expect(lockGroupOfKey('coreos.com/updateengine/rebootlock/groups/etcd/semaphore')).toBe('etcd');
    expect(lockGroupOfKey('coreos.com/updateengine/rebootlock/groups/load+balancers%2Feu/semaphore')).toBe('load balancers/eu');
    expect(lockGroupOfKey('com.coreos.airlock/groups/workers/v1/semaphore')).toBe('workers');
    expect(lockGroupOfKey('fleetsim/ttl-lock/groups/default/semaphore')).toBe('default');
    expect(lockGroupOfKey('coreos.com/updateengine/rebootlock/groups/a/b/semaphore')).toBeNull();
    expect(lockGroupOfKey('coreos.com/updateengine/rebootlock/groups//semaphore')).toBeNull();
    expect(lockGroupOfKey('some/other/semaphore')).toBeNull();
  });

  it('reads a locksmith value without JSON.parse exactly as JSON.parse does, or leaves it to the general reading', () => {
    const id = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }).map(String), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.array(id, { maxLength: 6 }), (semaphore, max, holders) => {
        const value = JSON.stringify({ semaphore, max, holders });
        const fast = parseLocksmithHolders(value);
        const general = JSON.parse(value) as { semaphore: number; holders: unknown[] };
        if (fast === null) {
          // Only ids that need escaping (a quote or a backslash) may leave the fast path.
          expect(holders.some((h) => h.includes('"') || h.includes('\\') || /[\u0000-\u001f]/.test(h))).toBe(true);
          return;
        }
        expect(fast).toEqual({ ids: general.holders.map(String), free: general.semaphore });
      }),
      { numRuns: 2000 },
    );
    // What locksmith itself writes always takes the fast path.
    expect(parseLocksmithHolders('{"semaphore":0,"max":1,"holders":["42"]}')).toEqual({ ids: ['42'], free: 0 });
    expect(parseLocksmithHolders('{"semaphore":1,"max":1,"holders":[]}')).toEqual({ ids: [], free: 1 });
    expect(parseLocksmithHolders('{"semaphore":1,"holders":[],"max":1}')).toBeNull();
  });
});
