/**
 * GroupLedger (sim/model/server/group-ledger.ts) against Nebraska's own definitions, computed here
 * by brute force from the list of grants (flatcar/nebraska backend/pkg/api/groups.go
 * getGroupUpdatesStats): granted in the last period = grants with time > now - period_interval;
 * timed out = in progress and granted before now - update_timeout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../sim/engine/assert.ts';
import { GroupLedger } from '../../../sim/model/server/group-ledger.ts';

const HOUR = 3_600_000;

describe('GroupLedger', () => {
  it('counts the grants of the last period, by hand: period 1 h, grants at 0, 30 min, 59 min', () => {
    const ledger = new GroupLedger(HOUR, 100 * HOUR);
    for (const [node, t] of [[0, 0], [1, 30 * 60_000], [2, 59 * 60_000]]) ledger.grant(node, 1, t);
    expect(ledger.stats(59 * 60_000, 1).grantedInLastPeriod).toBe(3);
    // At 1 h the grant at 0 is not after 1 h - 1 h = 0: out of the period.
    expect(ledger.stats(HOUR, 1).grantedInLastPeriod).toBe(2);
    expect(ledger.stats(HOUR + 30 * 60_000 - 1, 1).grantedInLastPeriod).toBe(2);
    expect(ledger.stats(HOUR + 30 * 60_000, 1).grantedInLastPeriod).toBe(1);
    expect(ledger.stats(2 * HOUR, 1).grantedInLastPeriod).toBe(0);
  });

  it('names the next time a grant leaves the period: the oldest grant in it plus the period', () => {
    const ledger = new GroupLedger(HOUR, 100 * HOUR);
    ledger.grant(0, 1, 10);
    ledger.grant(1, 1, 20);
    expect(ledger.nextPeriodExpiryMs(30)).toBe(HOUR + 10);
    expect(ledger.nextPeriodExpiryMs(HOUR + 10)).toBe(HOUR + 20);
    expect(ledger.nextPeriodExpiryMs(HOUR + 20)).toBe(Infinity);
  });

  it('matches the brute-force counts for random grants, completions and queries', () => {
    type Op = { dtMs: number; kind: 'grant' | 'complete' | 'query'; node: number };
    const op = fc.record({ dtMs: fc.integer({ min: 0, max: 20 * 60_000 }), kind: fc.constantFrom('grant', 'complete', 'query'), node: fc.integer({ min: 0, max: 40 }) }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }).map((h) => h * HOUR), fc.integer({ min: 1, max: 4 }).map((h) => h * HOUR), fc.array(op, { minLength: 50, maxLength: 300 }), (periodMs, timeoutMs, ops) => {
        const ledger = new GroupLedger(periodMs, timeoutMs);
        const grants: Array<{ node: number; atMs: number; done: boolean }> = [];
        let nowMs = 0;
        for (const o of ops) {
          nowMs += o.dtMs;
          const open = grants.find((g) => g.node === o.node && !g.done);
          if (o.kind === 'grant' && open === undefined) {
            ledger.grant(o.node, 1, nowMs);
            grants.push({ node: o.node, atMs: nowMs, done: false });
          } else if (o.kind === 'complete' && open !== undefined) {
            ledger.complete(o.node, 1, true);
            open.done = true;
          } else if (o.kind === 'query') {
            const inPeriod = grants.filter((g) => g.atMs > nowMs - periodMs).length;
            const timedOut = grants.filter((g) => !g.done && g.atMs < nowMs - timeoutMs).length;
            const inProgress = grants.filter((g) => !g.done).length - timedOut;
            expect(ledger.stats(nowMs, 1)).toMatchObject({ grantedInLastPeriod: inPeriod, timedOut, inProgress });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Nebraska's counts by brute force over every grant ever made (groups.go getGroupUpdatesStats,
 * dbreads/groups.go GetGroupUpdatesStats): granted in the last period (granted_ts > now - period),
 * in progress and timed out (granted_ts < now - update_timeout), attempted for a version (not in
 * progress, last_update_version = version), and the succeeded / failed reports per version.
 */
class BruteForceLedger {
  grants: Array<{ node: number; version: number; atMs: number; open: boolean }> = [];
  lastVersion = new Map<number, number>();
  succeeded = new Map<number, number>();
  failed = new Map<number, number>();
  constructor(public periodMs: number, public timeoutMs: number) {}
  open(node: number) {
    return this.grants.find((g) => g.node === node && g.open);
  }
  stats(nowMs: number, version: number) {
    const timedOut = this.grants.filter((g) => g.open && g.atMs < nowMs - this.timeoutMs).length;
    let attempted = 0;
    for (const [node, last] of this.lastVersion) if (last === version && this.open(node) === undefined) attempted++;
    return {
      grantedInLastPeriod: this.grants.filter((g) => g.atMs > nowMs - this.periodMs).length,
      inProgress: this.grants.filter((g) => g.open).length - timedOut,
      timedOut,
      attemptedForVersion: attempted,
    };
  }
}

describe('GroupLedger against the brute-force counts, at depth', () => {
  type Op = { dtSteps: number; kind: 'grant' | 'succeed' | 'fail' | 'reset' | 'query' | 'reconfigure'; node: number; version: number; hours: number };
  const op = fc.record({
    // Times on a 10-minute grid and periods in whole hours, so queries land exactly on the
    // period and timeout boundaries (where > and >= differ).
    dtSteps: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom('grant', 'grant', 'grant', 'succeed', 'fail', 'reset', 'query', 'query', 'reconfigure'),
    node: fc.integer({ min: 0, max: 300 }),
    version: fc.integer({ min: 0, max: 3 }),
    hours: fc.integer({ min: 1, max: 4 }),
  }) as fc.Arbitrary<Op>;

  it('matches every count for hundreds of grants to hundreds of nodes, with completions, resets and set-policy', () => {
    let mostGrants = 0;
    let largestNode = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 300, maxLength: 600, size: 'max' }), (ops) => {
        const ledger = new GroupLedger(HOUR, 2 * HOUR);
        const reference = new BruteForceLedger(HOUR, 2 * HOUR);
        let nowMs = 0;
        for (const o of ops) {
          nowMs += o.dtSteps * 10 * 60_000;
          const open = reference.open(o.node);
          if (o.kind === 'grant' && open === undefined) {
            ledger.grant(o.node, o.version, nowMs);
            reference.grants.push({ node: o.node, version: o.version, atMs: nowMs, open: true });
            reference.lastVersion.set(o.node, o.version);
            largestNode = Math.max(largestNode, o.node);
          } else if (o.kind === 'succeed' || o.kind === 'fail') {
            // A report from a node with nothing in progress still counts as an outcome.
            ledger.complete(o.node, o.version, o.kind === 'succeed');
            const counts = o.kind === 'succeed' ? reference.succeeded : reference.failed;
            counts.set(o.version, (counts.get(o.version) ?? 0) + 1);
            if (open !== undefined) open.open = false;
          } else if (o.kind === 'reset') {
            ledger.reset(o.node);
            if (open !== undefined) open.open = false;
          } else if (o.kind === 'reconfigure') {
            reference.periodMs = o.hours * HOUR;
            reference.timeoutMs = ((o.hours % 3) + 1) * HOUR;
            ledger.reconfigure(reference.periodMs, reference.timeoutMs, nowMs);
          } else if (o.kind === 'query') {
            expect(ledger.stats(nowMs, o.version)).toEqual(reference.stats(nowMs, o.version));
            const oldestInPeriod = reference.grants.find((g) => g.atMs > nowMs - reference.periodMs);
            expect(ledger.nextPeriodExpiryMs(nowMs)).toBe(oldestInPeriod === undefined ? Infinity : oldestInPeriod.atMs + reference.periodMs);
          }
          expect(ledger.hasUpdateInProgress(o.node)).toBe(reference.open(o.node) !== undefined);
        }
        for (let version = 0; version <= 3; version++) {
          expect(ledger.succeededFor(version)).toBe(reference.succeeded.get(version) ?? 0);
          expect(ledger.failedFor(version)).toBe(reference.failed.get(version) ?? 0);
          expect(ledger.stats(nowMs, version)).toEqual(reference.stats(nowMs, version));
        }
        mostGrants = Math.max(mostGrants, reference.grants.length);
      }),
      { numRuns: 60, seed: 20261205 },
    );
    // The cases reach past the ledger's first 64 slots, for grants and for node ids.
    expect(mostGrants).toBeGreaterThan(128);
    expect(largestNode).toBeGreaterThan(128);
  });
});

describe('GroupLedger by hand', () => {
  it('grows its per-node tables to hold a node id far past them, and exactly the id 128 after 64', () => {
    const ledger = new GroupLedger(HOUR, HOUR);
    ledger.grant(128, 1, 0);
    expect(ledger.hasUpdateInProgress(128)).toBe(true);
    ledger.grant(5_000, 1, 0);
    expect(ledger.hasUpdateInProgress(5_000)).toBe(true);
    expect(ledger.hasUpdateInProgress(4_999)).toBe(false);
    expect(ledger.stats(0, 1)).toEqual({ grantedInLastPeriod: 2, inProgress: 2, timedOut: 0, attemptedForVersion: 0 });
    ledger.complete(5_000, 1, true);
    expect(ledger.stats(0, 1).attemptedForVersion).toBe(1);
  });

  it('counts version 0 like any other: a node granted it, done, then granted it again leaves the attempted count', () => {
    const ledger = new GroupLedger(HOUR, HOUR);
    ledger.grant(3, 0, 0);
    ledger.complete(3, 0, false);
    expect(ledger.stats(0, 0).attemptedForVersion).toBe(1);
    ledger.grant(3, 0, 1);
    expect(ledger.stats(1, 0).attemptedForVersion).toBe(0);
  });

  it('a completion or reset of a node with nothing in progress changes no count but the outcome', () => {
    const ledger = new GroupLedger(HOUR, HOUR);
    ledger.grant(1, 2, 0);
    ledger.reset(7);
    ledger.complete(8, 2, true);
    expect(ledger.stats(0, 2)).toEqual({ grantedInLastPeriod: 1, inProgress: 1, timedOut: 0, attemptedForVersion: 0 });
    expect(ledger.succeededFor(2)).toBe(1);
    expect(ledger.succeededFor(3)).toBe(0);
    expect(ledger.failedFor(2)).toBe(0);
  });

  it('set-policy recounts from scratch: a 1 h timeout makes a 90-minute-old grant timed out, a 2 h one in progress again', () => {
    const ledger = new GroupLedger(HOUR, HOUR);
    ledger.grant(1, 1, 0);
    expect(ledger.stats(90 * 60_000, 1)).toMatchObject({ inProgress: 0, timedOut: 1 });
    ledger.reconfigure(2 * HOUR, 2 * HOUR, 90 * 60_000);
    expect(ledger.stats(90 * 60_000, 1)).toEqual({ grantedInLastPeriod: 1, inProgress: 1, timedOut: 0, attemptedForVersion: 0 });
    // Exactly at the timeout the grant is not yet older than it (granted_ts < now - timeout).
    expect(ledger.stats(2 * HOUR, 1)).toMatchObject({ inProgress: 1, timedOut: 0, grantedInLastPeriod: 0 });
    expect(ledger.stats(2 * HOUR + 1, 1)).toMatchObject({ inProgress: 0, timedOut: 1 });
  });

  it('refuses time going backwards, a node or version that is not a non-negative integer, and a second grant in progress', () => {
    const ledger = new GroupLedger(HOUR, HOUR);
    ledger.grant(1, 1, 100);
    expect(() => ledger.grant(2, 1, 99)).toThrow(new AssertionError('ledger time went backwards'));
    expect(() => ledger.stats(99, 1)).toThrow(new AssertionError('ledger time went backwards'));
    expect(() => ledger.grant(-1, 1, 100)).toThrow(new AssertionError('node id -1 is not an integer >= 0'));
    expect(() => ledger.grant(1.5, 1, 100)).toThrow(new AssertionError('node id 1.5 is not an integer >= 0'));
    expect(() => ledger.grant(2, -1, 100)).toThrow(new AssertionError('version code -1 is not an integer >= 0'));
    expect(() => ledger.grant(2, 0.5, 100)).toThrow(new AssertionError('version code 0.5 is not an integer >= 0'));
    // The version is stored as version + 1 in an Int32Array: 2^31 - 2 is the largest that fits.
    expect(() => ledger.grant(2, 2 ** 31 - 1, 100)).toThrow(new AssertionError(`version code ${2 ** 31 - 1} is not an integer >= 0`));
    ledger.grant(2, 2 ** 31 - 2, 100);
    expect(() => ledger.grant(1, 1, 100)).toThrow(new AssertionError('node 1 already has an update in progress'));
  });
});
