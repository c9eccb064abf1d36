/**
 * The PodDisruptionBudget arithmetic (sim/model/workloads/pdb.ts) against the Kubernetes sources,
 * with expected values worked out by hand from those sources, not from the code under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DisruptionBudget, EVICTION_RETRY_MS, desiredHealthy, disruptionsAllowed } from '../../../sim/model/workloads/pdb.ts';

describe('desiredHealthy (kubernetes pkg/controller/disruption/disruption.go, getExpectedPodCount)', () => {
  it('takes a count as it is', () => {
    expect(desiredHealthy(27, 30)).toBe(27);
  });

  it('scales a percentage of the expected pods and rounds it up (GetScaledValueFromIntOrPercent, roundUp=true)', () => {
    expect(desiredHealthy('90%', 30)).toBe(27);
    expect(desiredHealthy('90%', 3)).toBe(3); // 2.7 -> 3
    expect(desiredHealthy('50%', 3)).toBe(2); // 1.5 -> 2
    expect(desiredHealthy('10%', 30)).toBe(3); // exactly 3, not 4 from 0.1 * 30 in floating point
    expect(desiredHealthy('0%', 30)).toBe(0);
  });

  it('rejects a value that is neither a count nor "N%"', () => {
    expect(() => desiredHealthy('90' as `${number}%`, 30)).toThrow(/neither a count nor "N%"/);
    expect(() => desiredHealthy('150%', 30)).toThrow(/over 100%/);
    expect(() => desiredHealthy(-1, 30)).toThrow(/not a count/);
  });
});

describe('disruptionsAllowed (kubernetes pkg/controller/disruption/disruption.go, updatePdbStatus)', () => {
  it('is currentHealthy - desiredHealthy, never below 0', () => {
    expect(disruptionsAllowed(30, 27, 30)).toBe(3);
    expect(disruptionsAllowed(27, 27, 30)).toBe(0);
    expect(disruptionsAllowed(20, 27, 30)).toBe(0);
  });

  it('is 0 when the budget expects no pods', () => {
    expect(disruptionsAllowed(5, 0, 0)).toBe(0);
  });
});

describe('the eviction API (kubernetes pkg/registry/core/pod/storage/eviction.go, checkAndDecrement)', () => {
  it('refuses with 429 TooManyRequests when the budget allows no disruption', () => {
    const budget = new DisruptionBudget(2, 3);
    expect(budget.evict(3, true)).toEqual({ granted: true, status: 201, counted: true });
    // The first eviction is still in disruptedPods: the same instant sees 3 - 1 - 2 = 0 allowed.
    expect(budget.evict(3, true)).toEqual({ granted: false, status: 429, counted: false });
  });

  it('reads the budget from currentHealthy again once the evicted pod has stopped', () => {
    const budget = new DisruptionBudget(2, 3);
    budget.evict(3, true);
    budget.observeStopped();
    expect(budget.pendingEvictions()).toBe(0);
    expect(budget.evict(2, true).status).toBe(429);
    expect(budget.evict(3, true).status).toBe(201);
  });

  it('lets an unready pod go without touching a healthy budget (IfHealthyBudget), and refuses it when the budget is not healthy', () => {
    const budget = new DisruptionBudget(2, 3);
    expect(budget.evict(2, false)).toEqual({ granted: true, status: 201, counted: false });
    expect(budget.pendingEvictions()).toBe(0);
    expect(budget.evict(1, false).status).toBe(429);
  });

  it('a budget with minAvailable equal to the replicas refuses every eviction of a ready pod (the pdb-deadlock case)', () => {
    const budget = new DisruptionBudget('100%', 3);
    expect(budget.evict(3, true).status).toBe(429);
  });

  it('property: a sequence of granted evictions of ready pods never leaves fewer than desiredHealthy ready', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 60 }), (replicas, minAvailable, requests) => {
        const budget = new DisruptionBudget(minAvailable, replicas);
        let ready = replicas;
        for (let k = 0; k < requests && ready > 0; k++) {
          const answer = budget.evict(ready, true);
          if (!answer.granted) continue;
          ready--;
          budget.observeStopped();
          // Independently: a granted eviction needs ready-before > minAvailable.
          expect(ready).toBeGreaterThanOrEqual(minAvailable);
        }
        // Each granted eviction takes one, until the budget is spent: replicas - requests, floored at minAvailable.
        expect(ready).toBe(minAvailable >= replicas ? replicas : Math.max(minAvailable, replicas - requests));
      }),
    );
  });
});

describe('kubectl drain (kubectl pkg/drain/drain.go, evictPods)', () => {
  it('retries a refused eviction after 5 s', () => {
    expect(EVICTION_RETRY_MS).toBe(5_000);
  });
});
