import { fail } from '../../engine/assert.ts';

/**
 * A workload's availability target read as a Kubernetes PodDisruptionBudget's `minAvailable`:
 * a count, or "N%" of the expected pods.
 */
export type MinAvailable = number | `${number}%`;

/**
 * The number of healthy pods the budget wants (the PDB status's `desiredHealthy`).
 * kubernetes pkg/controller/disruption/disruption.go, getExpectedPodCount: a percentage is
 * scaled by intstr.GetScaledValueFromIntOrPercent(minAvailable, expectedCount, roundUp=true),
 * so "90%" of 3 pods wants 3 (2.7 rounded up), never 2.
 */
export function desiredHealthy(minAvailable: MinAvailable, expectedPods: number): number {
  if (!(Number.isInteger(expectedPods) && expectedPods >= 0)) fail(`desiredHealthy: expectedPods ${expectedPods} is not a count`);
  if (typeof minAvailable === 'number') {
    if (!(Number.isInteger(minAvailable) && minAvailable >= 0)) fail(`desiredHealthy: minAvailable ${minAvailable} is not a count`);
    return minAvailable;
  }
  const percent = parsePercent(minAvailable);
  // Integer arithmetic first so 10% of 30 is exactly 3 (0.1 * 30 in floating point is 3.0000000000000004).
  return Math.ceil((percent * expectedPods) / 100);
}

/** "90%" -> 90; anything else fails loudly (the scenario validator rejects it before a run). */
export function parsePercent(value: string): number {
  const match = /^(\d+)%$/.exec(value);
  if (match === null) fail(`minAvailable "${value}" is neither a count nor "N%"`);
  const percent = Number(match[1]);
  if (percent > 100) fail(`minAvailable "${value}" is over 100%`);
  return percent;
}

/**
 * The PDB status's `disruptionsAllowed`: currentHealthy - desiredHealthy, never below 0, and 0 when
 * the budget expects no pods. kubernetes pkg/controller/disruption/disruption.go, updatePdbStatus.
 */
export function disruptionsAllowed(currentHealthy: number, desired: number, expectedPods: number): number {
  const allowed = currentHealthy - desired;
  return expectedPods <= 0 || allowed <= 0 ? 0 : allowed;
}

/**
 * The eviction subresource's answer (kubernetes pkg/registry/core/pod/storage/eviction.go,
 * EvictionREST.Create -> checkAndDecrement): 429 TooManyRequests when the budget allows no
 * disruption, otherwise the eviction is granted and the budget's disruptionsAllowed is decremented
 * at once (the pod lands in status.disruptedPods until the controller sees it gone), so a second
 * eviction in the same instant sees the smaller budget. A pod that is not ready does not count
 * toward currentHealthy: under the default unhealthyPodEvictionPolicy IfHealthyBudget, eviction.go
 * (EvictionREST.Create) lets it go without touching the budget when currentHealthy >= desiredHealthy,
 * and otherwise sends it through checkAndDecrement like any other pod.
 */
export type EvictionAnswer =
  | { granted: true; status: 201; /** the budget counted it (observeStopped must follow) */ counted: boolean }
  | { granted: false; status: 429; counted: false };

export class DisruptionBudget {
  private disrupted = 0;

  constructor(
    readonly minAvailable: MinAvailable,
    readonly expectedPods: number,
  ) {}

  /** desiredHealthy for this budget's expected pods. */
  desired(): number {
    return desiredHealthy(this.minAvailable, this.expectedPods);
  }

  /** disruptionsAllowed given the ready pods the controller currently sees. */
  allowed(currentHealthy: number): number {
    return disruptionsAllowed(currentHealthy - this.disrupted, this.desired(), this.expectedPods);
  }

  /** One eviction request for a pod that is (or is not) ready. */
  evict(currentHealthy: number, podReady: boolean): EvictionAnswer {
    if (!podReady && currentHealthy - this.disrupted >= this.desired()) return { granted: true, status: 201, counted: false };
    if (this.allowed(currentHealthy) <= 0) return { granted: false, status: 429, counted: false };
    this.disrupted++;
    return { granted: true, status: 201, counted: true };
  }

  /**
   * The evicted pod stopped (its ready count is now lower): the controller drops it from
   * disruptedPods, so the budget is read from currentHealthy alone again.
   */
  observeStopped(): void {
    if (this.disrupted <= 0) fail('DisruptionBudget.observeStopped without a pending eviction');
    this.disrupted--;
  }

  pendingEvictions(): number {
    return this.disrupted;
  }
}

/**
 * kubectl drain retries an eviction the API refused with 429 after a fixed 5 s
 * (kubectl pkg/drain/drain.go, evictPods: `time.Sleep(5 * time.Second)` on
 * apierrors.IsTooManyRequests), until the drain's timeout (kured --drain-timeout; 0 = forever).
 */
export const EVICTION_RETRY_MS = 5_000;
