/**
 * GroupLedger (sim/model/server/group-ledger.ts) against Nebraska's own definitions, computed here
 * by brute force from the list of grants (flatcar/nebraska backend/pkg/api/groups.go
 * getGroupUpdatesStats): granted in the last period = grants with time > now - period_interval;
 * timed out = in progress and granted before now - update_timeout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
