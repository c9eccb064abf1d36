import type { CheckedRun } from './context.ts';
import { assert } from '../engine/assert.ts';
import { fleetTakesLock, lockGroups } from '../scenario/reboot.ts';

/**
 * Reboot-lock safety: at every committed write of a semaphore key, the live holders number at
 * most the max of that key's lock group (`reboot.maxConcurrent`, or a fleet group's override in
 * `reboot.groups`), with no holder twice; for locksmith's semaphore also `semaphore + holders =
 * max` (coreos/locksmith lock/semaphore.go keeps the free count and the holder list together).
 * The lock group is read from the key itself (locksmith `.../rebootlock/semaphore` for the
 * default group, `.../rebootlock/groups/<g>/semaphore` for the others, lock/etcd.go
 * NewEtcdLockClient; airlock and the TTL lock `.../groups/<g>/...`; kured's DaemonSet object
 * `/registry/daemonsets/kube-system/kured` for the default group, `.../kured-<g>` for the others,
 * one kured release per node pool); a semaphore of a lock group the scenario does not have is a
 * violation too.
 *
 * The checker reads the committed value itself, with its own reading of the four formats
 * (locksmith `{semaphore, max, holders}`, airlock `{semaphore: {total_slots, holders}}`, the TTL
 * lock `{max, holders: [{id, acquiredAtMs}]}`, kured's multi-owner lock annotation `{maxOwners,
 * locks: [{nodeID, created, TTL}]}`), so a bug in a lock's own codec or policy cannot hide from
 * it. Strategies without a lock (sim/agents/registry.ts) have nothing to check.
 */
export const LOCK_HOLDERS = 'lock-holders';

const LOCKSMITH_PREFIX = 'coreos.com/updateengine/rebootlock/';
const AIRLOCK_PREFIX = 'com.coreos.airlock/groups/';
const TTL_PREFIX = 'fleetsim/ttl-lock/groups/';
/** Where the Kubernetes API server keeps kured's DaemonSet (kube-system is kured's --ds-namespace). */
const KURED_PREFIX = '/registry/daemonsets/kube-system/';
const KURED_DAEMONSET = 'kured';

export interface Holders {
  ids: string[];
  /** locksmith's free-slot count, when the format has one. */
  free: number | null;
}

export function installLockHoldersChecker(run: CheckedRun): void {
  const { world, scenario, violations } = run;
  const fleetGroups = scenario.fleet.groups.map((g) => g.name);
  if (!fleetTakesLock(scenario.reboot, fleetGroups)) return;
  const groups = lockGroups(scenario.reboot, fleetGroups);
  const maxByGroup = new Map(groups.map((l) => [l.name, l.max]));
  const ttlMs = scenario.reboot.lockTTL;
  // Per lock group, the key layout its protocol writes (a fleet of several agents has several:
  // reboot.groups.<g>.agent): locksmith's and airlock's own, or the TTL lock's when
  // reboot.lockTTL replaces them; kured's DaemonSet annotation whatever its --lock-ttl.
  const layoutByGroup = new Map(groups.map((l) => [l.name, l.protocol === null ? null : l.protocol === 'kured' ? 'kured' : ttlMs > 0 ? 'ttl' : l.protocol]));
  // A lock strategy needs etcd (sim/scenario/references.ts rejects a scenario without).
  assert(world.etcd !== null, `reboot.strategy ${scenario.reboot.strategy} takes a lock but the run has no etcd`);
  world.etcd.cluster.store.observe((key, kv, nowMs) => {
    if (kv === null || !isSemaphoreKey(key)) return;
    const group = lockGroupOfKey(key);
    const max = group === null ? undefined : maxByGroup.get(group);
    if (max === undefined) {
      violations.record(nowMs, LOCK_HOLDERS, `${key}: a semaphore of no lock group of the scenario (${[...maxByGroup.keys()].join(', ')})`);
      return;
    }
    const layout = layoutByGroup.get(group as string) ?? null;
    if (layout !== layoutOfKey(key)) {
      violations.record(nowMs, LOCK_HOLDERS, `${key}: a ${layoutOfKey(key)} semaphore of lock group ${group}, whose agents speak ${layout ?? 'no semaphore protocol'}`);
    }
    const holders = parseHolders(key, kv.value, nowMs, ttlMs);
    if (typeof holders === 'string') {
      violations.record(nowMs, LOCK_HOLDERS, `${key}: ${holders}`);
      return;
    }
    if (holders.ids.length > 1 && new Set(holders.ids).size !== holders.ids.length) {
      violations.record(nowMs, LOCK_HOLDERS, `${key}: a holder appears twice in [${holders.ids.join(', ')}]`);
    }
    if (holders.ids.length > max) {
      violations.record(nowMs, LOCK_HOLDERS, `${key}: ${holders.ids.length} live holders [${holders.ids.join(', ')}] exceed max ${max}`);
    }
    if (holders.free !== null && holders.free + holders.ids.length !== max) {
      violations.record(nowMs, LOCK_HOLDERS, `${key}: semaphore ${holders.free} + ${holders.ids.length} holders != max ${max}`);
    }
  });
}

/**
 * The lock group a semaphore key belongs to, or null for a key of no known shape. Written from
 * the real key layouts, not from the locks' own key functions.
 */
export function lockGroupOfKey(key: string): string | null {
  if (key === `${LOCKSMITH_PREFIX}semaphore`) return 'default';
  if (key.startsWith(KURED_PREFIX)) {
    // kured's --ds-name: `kured` for the default lock group, `kured-<group>` for the others.
    const name = key.slice(KURED_PREFIX.length);
    if (name === KURED_DAEMONSET) return 'default';
    const group = name.startsWith(`${KURED_DAEMONSET}-`) ? name.slice(KURED_DAEMONSET.length + 1) : '';
    return group === '' || group.includes('/') ? null : group;
  }
  const shapes: [string, string][] = [
    [`${LOCKSMITH_PREFIX}groups/`, '/semaphore'],
    [AIRLOCK_PREFIX, '/v1/semaphore'],
    [TTL_PREFIX, '/semaphore'],
  ];
  for (const [prefix, suffix] of shapes) {
    if (!(key.startsWith(prefix) && key.endsWith(suffix))) continue;
    const escaped = key.slice(prefix.length, key.length - suffix.length);
    if (escaped === '' || escaped.includes('/')) return null;
    try {
      // locksmith escapes with Go's url.QueryEscape (space as '+'), airlock by URL path escaping.
      return decodeURIComponent(prefix === AIRLOCK_PREFIX ? escaped : escaped.replace(/\+/g, ' '));
    } catch {
      return null;
    }
  }
  return null;
}

/** The lock whose layout a semaphore key has. */
function layoutOfKey(key: string): 'locksmith' | 'fleet-lock' | 'ttl' | 'kured' {
  if (key.startsWith(KURED_PREFIX)) return 'kured';
  return key.startsWith(LOCKSMITH_PREFIX) ? 'locksmith' : key.startsWith(AIRLOCK_PREFIX) ? 'fleet-lock' : 'ttl';
}

function isSemaphoreKey(key: string): boolean {
  if (key.startsWith(KURED_PREFIX)) return true;
  return key.endsWith('semaphore') && (key.startsWith(LOCKSMITH_PREFIX) || key.startsWith(AIRLOCK_PREFIX) || key.startsWith(TTL_PREFIX));
}

/** The live holders in a committed semaphore value, or what is wrong with it. */
/**
 * locksmith's value as its codec writes it, `{"semaphore":N,"max":M,"holders":["id",...]}`,
 * read without JSON.parse (once per lock write, the checker's main cost). Anything else, escapes
 * in an id included, goes to the general reading below: this is a fast path, not a second
 * grammar.
 */
const LOCKSMITH_VALUE = /^\{"semaphore":(-?\d+),"max":-?\d+,"holders":\[((?:"[^"\\]*"(?:,"[^"\\]*")*)?)\]\}$/;

export function parseLocksmithHolders(value: string): Holders | null {
  const m = LOCKSMITH_VALUE.exec(value);
  if (m === null) return null;
  const list = m[2];
  return { ids: list === '' ? [] : list.slice(1, -1).split('","'), free: Number(m[1]) };
}

function parseHolders(key: string, value: string, nowMs: number, ttlMs: number): Holders | string {
  if (key.startsWith(LOCKSMITH_PREFIX)) {
    const fast = parseLocksmithHolders(value);
    if (fast !== null) return fast;
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return `value is not JSON: ${value.slice(0, 80)}`;
  }
  const o = json as Record<string, unknown>;
  if (key.startsWith(LOCKSMITH_PREFIX)) {
    if (!Array.isArray(o.holders) || typeof o.semaphore !== 'number') return `not a locksmith semaphore: ${value.slice(0, 80)}`;
    return { ids: o.holders.map(String), free: o.semaphore };
  }
  if (key.startsWith(AIRLOCK_PREFIX)) {
    const s = o.semaphore as Record<string, unknown> | undefined;
    if (s === undefined || !Array.isArray(s.holders)) return `not an airlock semaphore: ${value.slice(0, 80)}`;
    return { ids: s.holders.map(String), free: null };
  }
  if (key.startsWith(KURED_PREFIX)) {
    if (!Array.isArray(o.locks)) return `not a kured lock annotation: ${value.slice(0, 80)}`;
    // kured pkg/daemonsetlock ttlExpired: an entry whose TTL ran out (TTL > 0 and now - created
    // >= TTL) no longer holds, though it stays in the list until a full annotation drops it.
    const live = (o.locks as { nodeID: unknown; created: unknown; TTL: unknown }[]).filter(
      (l) => typeof l.created === 'number' && typeof l.TTL === 'number' && !(l.TTL > 0 && nowMs - l.created >= l.TTL),
    );
    return { ids: live.map((l) => String(l.nodeID)), free: null };
  }
  if (!Array.isArray(o.holders)) return `not a TTL semaphore: ${value.slice(0, 80)}`;
  // A TTL holder counts while its TTL runs (kured --lock-ttl); expired ones are dead entries.
  const live = (o.holders as { id: unknown; acquiredAtMs: unknown }[]).filter((h) => typeof h.acquiredAtMs === 'number' && h.acquiredAtMs + ttlMs > nowMs);
  return { ids: live.map((h) => String(h.id)), free: null };
}
