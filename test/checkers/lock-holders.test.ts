/**
 * The lock-holders checker (sim/checkers/lock-holders.ts) reads every committed semaphore value
 * itself. A locksmith semaphore whose policy is broken to ignore `max` (and whose own assertion
 * is switched off) makes it fire; the real locks keep it silent (test/checkers/silent.test.ts
 * runs them under random faults).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCK_HOLDERS } from '../../sim/checkers/index.ts';
import { installLockHoldersChecker, lockGroupOfKey, parseLocksmithHolders } from '../../sim/checkers/lock-holders.ts';
import type { CheckedRun } from '../../sim/checkers/context.ts';
import { Violations } from '../../sim/checkers/violations.ts';
import { scenarioFrom } from '../run/helpers.ts';
import { prepare, rollout, violationsOf } from './helpers.ts';

const LOCKSMITH_KEY = 'coreos.com/updateengine/rebootlock/semaphore';
const AIRLOCK_KEY = 'com.coreos.airlock/groups/default/v1/semaphore';
const TTL_KEY = 'fleetsim/ttl-lock/groups/default/semaphore';

/**
 * The checker alone, fed committed values written out by hand: a stand-in for the etcd store
 * (the checker only registers an observer on it) and for the scenario's reboot section.
 */
function feed(reboot: { agent?: 'locksmithd' | 'kured'; strategy: 'etcd-lock' | 'fleet-lock' | 'daemonset-lock'; maxConcurrent: number; lockTTL: number }, writes: Array<[key: string, value: string | null, atMs: number]>): string[] {
  // One fleet group on the default lock group, whose max is the section's.
  return feedScenario({ reboot: { agent: 'locksmithd', ...reboot, lockGroup: 'default', groups: {} }, fleet: { groups: [{ name: 'all' }] } }, writes);
}

/** The same for a whole scenario's reboot section and fleet groups; a null value is a deletion. */
function feedScenario(scenario: object, writes: Array<[key: string, value: string | null, atMs: number]>): string[] {
  let observer: ((key: string, kv: { value: string } | null, nowMs: number) => void) | null = null;
  const violations = new Violations();
  const run = {
    world: { etcd: { cluster: { store: { observe: (o: typeof observer) => void (observer = o) } } } },
    scenario,
    violations,
  } as unknown as CheckedRun;
  installLockHoldersChecker(run);
  expect(observer, 'the checker watches the store').not.toBeNull();
  for (const [key, value, atMs] of writes) observer!(key, value === null ? null : { value }, atMs);
  return violations.list.map((v) => `${v.time} ${v.message}`);
}

describe('lock-holders checker, each reading of each lock format (values by hand)', () => {
  const locksmith = { strategy: 'etcd-lock' as const, maxConcurrent: 2, lockTTL: 0 };
  const airlock = { strategy: 'fleet-lock' as const, maxConcurrent: 2, lockTTL: 0 };
  const ttl = { strategy: 'etcd-lock' as const, maxConcurrent: 2, lockTTL: 600_000 };

  it('locksmith (coreos/locksmith lock/semaphore.go): silent on a consistent value, fires on too many holders', () => {
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"semaphore":0,"max":2,"holders":["1","2"]}', 5]])).toEqual([]);
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"semaphore":-1,"max":2,"holders":["1","2","3"]}', 5]])).toEqual([
      `5 ${LOCKSMITH_KEY}: 3 live holders [1, 2, 3] exceed max 2`,
    ]);
  });

  it('locksmith: fires on a holder listed twice, and on semaphore + holders != max', () => {
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"semaphore":0,"max":2,"holders":["7","7"]}', 9]])).toEqual([
      `9 ${LOCKSMITH_KEY}: a holder appears twice in [7, 7]`,
    ]);
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"semaphore":1,"max":2,"holders":["1","2"]}', 9]])).toEqual([
      `9 ${LOCKSMITH_KEY}: semaphore 1 + 2 holders != max 2`,
    ]);
    // The same through the general (JSON.parse) reading: keys in another order.
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"holders":["4","4","5"],"semaphore":0,"max":2}', 3]])).toEqual([
      `3 ${LOCKSMITH_KEY}: a holder appears twice in [4, 4, 5]`,
      `3 ${LOCKSMITH_KEY}: 3 live holders [4, 4, 5] exceed max 2`,
      `3 ${LOCKSMITH_KEY}: semaphore 0 + 3 holders != max 2`,
    ]);
    expect(feed(locksmith, [[`${LOCKSMITH_KEY.replace('/semaphore', '')}/groups/canary/semaphore`, '{"semaphore":0,"max":2,"holders":["1","1"]}', 1]])).toHaveLength(1);
  });

  it('airlock / FleetLock (coreos/airlock internal/lock/semaphore.go): silent on a valid value, fires on too many holders and on duplicates', () => {
    expect(feed(airlock, [[AIRLOCK_KEY, '{"semaphore":{"total_slots":2,"holders":["a","b"]}}', 4]])).toEqual([]);
    expect(feed(airlock, [[AIRLOCK_KEY, '{"semaphore":{"total_slots":2,"holders":["a","b","c"]}}', 4]])).toEqual([
      `4 ${AIRLOCK_KEY}: 3 live holders [a, b, c] exceed max 2`,
    ]);
    expect(feed(airlock, [[AIRLOCK_KEY, '{"semaphore":{"total_slots":2,"holders":["a","a"]}}', 6]])).toEqual([
      `6 ${AIRLOCK_KEY}: a holder appears twice in [a, a]`,
    ]);
  });

  it('TTL lock (kured --lock-ttl): counts only holders whose TTL still runs, fires on too many live holders and on duplicates', () => {
    const value = (holders: Array<[string, number]>) => JSON.stringify({ max: 2, holders: holders.map(([id, acquiredAtMs]) => ({ id, acquiredAtMs })) });
    // At 1,000,000 ms with a 600,000 ms TTL, a holder acquired at 400,000 has expired (400,000 +
    // 600,000 is not after 1,000,000); one acquired at 400,001 still holds.
    expect(feed(ttl, [[TTL_KEY, value([['a', 400_000], ['b', 500_000], ['c', 900_000]]), 1_000_000]])).toEqual([]);
    expect(feed(ttl, [[TTL_KEY, value([['a', 400_001], ['b', 500_000], ['c', 900_000]]), 1_000_000]])).toEqual([
      `1000000 ${TTL_KEY}: 3 live holders [a, b, c] exceed max 2`,
    ]);
    expect(feed(ttl, [[TTL_KEY, value([['a', 900_000], ['a', 950_000]]), 1_000_000]])).toEqual([
      `1000000 ${TTL_KEY}: a holder appears twice in [a, a]`,
    ]);
  });

  it('fires on a value it cannot read, and ignores deletions and keys that are not a semaphore', () => {
    expect(feed(locksmith, [[LOCKSMITH_KEY, 'not json', 2]])).toEqual([`2 ${LOCKSMITH_KEY}: value is not JSON: not json`]);
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"max":2}', 2]])).toEqual([`2 ${LOCKSMITH_KEY}: not a locksmith semaphore: {"max":2}`]);
    expect(feed(airlock, [[AIRLOCK_KEY, '{"holders":[]}', 2]])).toEqual([`2 ${AIRLOCK_KEY}: not an airlock semaphore: {"holders":[]}`]);
    expect(feed(ttl, [[TTL_KEY, '{"max":2}', 2]])).toEqual([`2 ${TTL_KEY}: not a TTL semaphore: {"max":2}`]);
    expect(feed(locksmith, [['coreos.com/updateengine/rebootlock/other', '{"semaphore":0,"max":2,"holders":["1","1","1"]}', 2]])).toEqual([]);
    expect(feed(locksmith, [['elsewhere/semaphore', 'not json', 2]])).toEqual([]);
  });

  it('watches nothing for strategies without a shared lock', () => {
    expect(() => feed({ strategy: 'reboot' as 'etcd-lock', maxConcurrent: 1, lockTTL: 0 }, [])).toThrow(/watches the store/);
  });
});


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

  it('stays silent over whole rollouts with FleetLock (airlock format) and with a TTL lock, having read their writes', () => {
    for (const [strategy, extra, prefix] of [
      ['fleet-lock', '', 'com.coreos.airlock/groups/'],
      ['etcd-lock, lockTTL: 20m', '', 'fleetsim/ttl-lock/groups/'],
    ] as const) {
      const run = prepare(rollout(strategy, extra).replace('maxConcurrent: 1', 'maxConcurrent: 2'));
      const written = new Set<string>();
      run.world.etcd!.cluster.store.observe((key) => void written.add(key.slice(0, prefix.length)));
      run.runToEnd();
      expect(written.has(prefix), `${strategy} writes under ${prefix}`).toBe(true);
      expect(run.report().rollout.completed).toBe(true);
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
      { group: 'etcd', protocol: 'locksmith', agents: ['locksmithd'], max: 1, maxHolders: 1 },
      { group: 'workers', protocol: 'locksmith', agents: ['locksmithd'], max: 5, maxHolders: 5 },
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

describe('lock-holders checker, the edges of each reading (values by hand)', () => {
  const locksmith = { strategy: 'etcd-lock' as const, maxConcurrent: 2, lockTTL: 0 };
  const airlock = { strategy: 'fleet-lock' as const, maxConcurrent: 2, lockTTL: 0 };
  const ttl = { strategy: 'etcd-lock' as const, maxConcurrent: 2, lockTTL: 600_000 };

  it('ignores a deleted semaphore key', () => {
    expect(feed(locksmith, [[LOCKSMITH_KEY, null, 2], [AIRLOCK_KEY, null, 3]])).toEqual([]);
  });

  it('fires on a semaphore of a lock group the scenario does not have, naming the groups it has', () => {
    const scenario = scenarioFrom(lockGroupsYaml());
    const key = 'coreos.com/updateengine/rebootlock/groups/storage/semaphore';
    expect(feedScenario(scenario, [[key, '{"semaphore":1,"max":1,"holders":[]}', 8]])).toEqual([`8 ${key}: a semaphore of no lock group of the scenario (etcd, workers)`]);
  });

  it('reads an airlock value at an airlock key even when it looks like locksmith\'s (no locksmith fast path there)', () => {
    expect(feed(airlock, [[AIRLOCK_KEY, '{"semaphore":0,"max":2,"holders":["a"]}', 4]])).toEqual([
      `4 ${AIRLOCK_KEY}: not an airlock semaphore: {"semaphore":0,"max":2,"holders":["a"]}`,
    ]);
  });

  it('needs both the holder list and the free count in a locksmith value', () => {
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"max":2,"holders":[]}', 2]])).toEqual([`2 ${LOCKSMITH_KEY}: not a locksmith semaphore: {"max":2,"holders":[]}`]);
    expect(feed(locksmith, [[LOCKSMITH_KEY, '{"semaphore":2,"max":2}', 2]])).toEqual([`2 ${LOCKSMITH_KEY}: not a locksmith semaphore: {"semaphore":2,"max":2}`]);
  });

  it('quotes at most the first 80 characters of a value it cannot read', () => {
    const long = `{"max":2,"note":"${'x'.repeat(100)}"}`;
    const quoted = long.slice(0, 80);
    expect(quoted).toHaveLength(80);
    expect(feed(locksmith, [[LOCKSMITH_KEY, `${long}!`, 1]])).toEqual([`1 ${LOCKSMITH_KEY}: value is not JSON: ${quoted}`]);
    expect(feed(locksmith, [[LOCKSMITH_KEY, long, 1]])).toEqual([`1 ${LOCKSMITH_KEY}: not a locksmith semaphore: ${quoted}`]);
    expect(feed(airlock, [[AIRLOCK_KEY, long, 1]])).toEqual([`1 ${AIRLOCK_KEY}: not an airlock semaphore: ${quoted}`]);
    expect(feed(ttl, [[TTL_KEY, long, 1]])).toEqual([`1 ${TTL_KEY}: not a TTL semaphore: ${quoted}`]);
  });

  it('TTL lock: a holder without a numeric acquiredAtMs is no live holder', () => {
    // "5" + 600,000 would read as 5,600,000 > 1,000,000 if taken for a time.
    const value = JSON.stringify({ max: 2, holders: [{ id: 'a', acquiredAtMs: '5' }, { id: 'b', acquiredAtMs: 900_000 }, { id: 'c', acquiredAtMs: 950_000 }] });
    expect(feed(ttl, [[TTL_KEY, value, 1_000_000]])).toEqual([]);
  });

  it('asserts that a lock strategy has etcd (the scenario validation guarantees it)', () => {
    const run = { world: { etcd: null }, scenario: { reboot: { ...locksmith, lockGroup: 'default', groups: {} }, fleet: { groups: [{ name: 'all' }] } }, violations: new Violations() } as unknown as CheckedRun;
    expect(() => installLockHoldersChecker(run)).toThrow('reboot.strategy etcd-lock takes a lock but the run has no etcd');
  });

  it("reads a '+' in an airlock group as itself (path escaping), in a locksmith group as a space (url.QueryEscape), and a broken escape as no group", () => {
    expect(lockGroupOfKey('com.coreos.airlock/groups/a+b/v1/semaphore')).toBe('a+b');
    expect(lockGroupOfKey('coreos.com/updateengine/rebootlock/groups/a+b/semaphore')).toBe('a b');
    expect(lockGroupOfKey('coreos.com/updateengine/rebootlock/groups/%E0%A4%A/semaphore')).toBeNull();
  });
});

describe('lock-holders checker, kured\'s lock annotation (kubereboot/kured pkg/daemonsetlock/daemonsetlock.go)', () => {
  const KURED_KEY = '/registry/daemonsets/kube-system/kured';
  const kured = { agent: 'kured' as const, strategy: 'daemonset-lock' as const, maxConcurrent: 2, lockTTL: 0 };
  const annotation = (locks: Array<[nodeID: string, created: number, ttlMs: number]>) =>
    JSON.stringify({ maxOwners: 2, locks: locks.map(([nodeID, created, TTL]) => ({ nodeID, created, TTL })) });

  it('reads the lock group from the DaemonSet name: kured for the default group, kured-<group> for the others', () => {
    expect(lockGroupOfKey(KURED_KEY)).toBe('default');
    expect(lockGroupOfKey(`${KURED_KEY}-etcd`)).toBe('etcd');
    expect(lockGroupOfKey(`${KURED_KEY}-`)).toBeNull();
    expect(lockGroupOfKey('/registry/daemonsets/kube-system/other')).toBeNull();
    expect(lockGroupOfKey('/registry/daemonsets/kube-system/kuredx-y')).toBeNull();
    expect(lockGroupOfKey('/registry/daemonsets/kube-system/coredns-extra')).toBeNull();
  });

  it('silent on live owners within maxOwners; fires on too many live owners, on an owner twice, on an unreadable annotation', () => {
    expect(feed(kured, [[KURED_KEY, annotation([['1', 100, 0], ['2', 200, 0]]), 300]])).toEqual([]);
    expect(feed(kured, [[KURED_KEY, annotation([['1', 100, 0], ['2', 200, 0], ['3', 250, 0]]), 300]])).toEqual([`300 ${KURED_KEY}: 3 live holders [1, 2, 3] exceed max 2`]);
    expect(feed(kured, [[KURED_KEY, annotation([['4', 100, 0], ['4', 200, 0]]), 300]])).toEqual([`300 ${KURED_KEY}: a holder appears twice in [4, 4]`]);
    expect(feed(kured, [[KURED_KEY, '{"maxOwners":2}', 300]])).toEqual([`300 ${KURED_KEY}: not a kured lock annotation: {"maxOwners":2}`]);
  });

  it('fires on a kured annotation in a lock group whose agents speak locksmith, and on a locksmith semaphore in a kured group', () => {
    const locksmith = { strategy: 'etcd-lock' as const, maxConcurrent: 2, lockTTL: 0 };
    expect(feed(locksmith, [[KURED_KEY, annotation([['1', 100, 0]]), 300]])).toEqual([`300 ${KURED_KEY}: a kured semaphore of lock group default, whose agents speak locksmith`]);
    expect(feed(kured, [[LOCKSMITH_KEY, '{"semaphore":1,"max":2,"holders":["1"]}', 300]])).toEqual([`300 ${LOCKSMITH_KEY}: a locksmith semaphore of lock group default, whose agents speak kured`]);
  });

  it('counts an entry whose TTL ran out (now - created >= TTL) as no owner, and a TTL of 0 as never expiring', () => {
    // At 1,000: created 400 with TTL 600 expired exactly now; created 401 still holds; TTL 0 holds for good.
    expect(feed(kured, [[KURED_KEY, annotation([['1', 400, 600], ['2', 0, 0], ['3', 900, 600]]), 1_000]])).toEqual([]);
    expect(feed(kured, [[KURED_KEY, annotation([['1', 401, 600], ['2', 0, 0], ['3', 900, 600]]), 1_000]])).toEqual([`1000 ${KURED_KEY}: 3 live holders [1, 2, 3] exceed max 2`]);
  });

  it('counts no entry whose created or TTL is not a number, and quotes at most 80 characters of an unreadable annotation', () => {
    const value = JSON.stringify({ maxOwners: 2, locks: [{ nodeID: '1', created: '5', TTL: 0 }, { nodeID: '2', created: 0, TTL: null }, { nodeID: '3', created: 0, TTL: 0 }, { nodeID: '4', created: 10, TTL: 0 }] });
    expect(feed(kured, [[KURED_KEY, value, 1_000]])).toEqual([]);
    const long = `{"maxOwners":2,"note":"${'x'.repeat(100)}"}`;
    expect(feed(kured, [[KURED_KEY, long, 1]])).toEqual([`1 ${KURED_KEY}: not a kured lock annotation: ${long.slice(0, 80)}`]);
  });

  it('fires when a broken kured lock lets a second owner in, and stays silent over a whole kured rollout having read its writes', () => {
    const yaml = rollout('daemonset-lock').replace('reboot: {strategy: daemonset-lock, maxConcurrent: 1}', 'reboot: {agent: kured, maxConcurrent: 1, period: 10m, drain: 5m}');
    const real = prepare(yaml);
    const written = new Set<string>();
    real.world.etcd!.cluster.store.observe((key) => void written.add(key));
    real.runToEnd();
    expect(written.has(KURED_KEY)).toBe(true);
    expect(real.report().rollout.completed).toBe(true);
    expect(real.report().etcd.maxLockHolders).toBe(1);
    expect(violationsOf(real, LOCK_HOLDERS)).toEqual([]);

    const broken = prepare(yaml);
    const lock = broken.world.lock as unknown as { policy: { lock: (s: { locks: { nodeID: string; created: number; TTL: number }[] }, node: number, nowMs: number) => string }; onWrite: () => void };
    // The mutation: append an owner even when maxOwners hold the lock; the lock's own assertion off.
    lock.policy = {
      ...lock.policy,
      lock: (s, node, nowMs) => {
        if (s.locks.some((l) => l.nodeID === String(node))) return 'already-held';
        s.locks.push({ nodeID: String(node), created: nowMs, TTL: 0 });
        return 'acquired';
      },
    };
    lock.onWrite = () => {};
    broken.runToEnd();
    const found = violationsOf(broken, LOCK_HOLDERS);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toMatch(/^\/registry\/daemonsets\/kube-system\/kured: 2 live holders \[\d+, \d+\] exceed max 1$/);
  });
});
