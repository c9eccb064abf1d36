/** The report's `workloads[]` entry (sim/model/workloads/availability.ts), integrated by hand. */
import { describe, expect, it } from 'vitest';
import { AvailabilityMeter } from '../../../sim/model/workloads/availability.ts';

describe('AvailabilityMeter', () => {
  it('integrates the time below minAvailable and below quorum over the horizon', () => {
    const meter = new AvailabilityMeter('store', 3, 3, 2);
    meter.open(0, 3);
    meter.set(10_000, 2); // below min from 10 s
    meter.set(20_000, 1); // below quorum from 20 s
    meter.set(25_000, 3); // all back at 25 s
    meter.refusedEviction();
    expect(meter.report(100_000)).toEqual({
      name: 'store',
      replicas: 3,
      availability: 1 - 15_000 / 100_000,
      minReady: 1,
      belowMinMs: 15_000,
      quorumLostMs: 5_000,
      evictionsRefused: 1,
    });
  });

  it('does not count the first startups before the workload was all ready once', () => {
    const meter = new AvailabilityMeter('api', 3, 3, null);
    meter.set(5_000, 1);
    meter.open(20_000, 3);
    expect(meter.report(100_000)).toMatchObject({ belowMinMs: 0, minReady: 3, availability: 1 });
  });

  it('refuses time going back', () => {
    const meter = new AvailabilityMeter('api', 3, 2, null);
    meter.open(0, 3);
    meter.set(10, 3);
    expect(() => meter.set(5, 2)).toThrow(/time went back/);
  });
});
