/**
 * Which nodes run a release that breaks their workloads (sim/model/world/workload-health.ts):
 * drawn once per install and kept with the partition, so every boot of that partition gives
 * the same outcome; no draw at all for a probability of 0.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../sim/engine/random.ts';
import { WorkloadHealth } from '../../../sim/model/world/workload-health.ts';

describe('WorkloadHealth', () => {
  it('keeps the outcome with the partition: booting it again fails again, booting the other recovers', () => {
    const health = new WorkloadHealth(2, new RandomStreams(1));
    health.installed(0, 1, 1);
    expect(health.booted(0, 1)).toBe(true);
    expect(health.failingNodes).toBe(1);
    expect(health.booted(0, 1)).toBe(true);
    expect(health.failingNodes).toBe(1);
    expect(health.booted(0, 0)).toBe(false);
    expect(health.failingNodes).toBe(0);
    expect(health.booted(0, 1)).toBe(true);
    expect(health.isFailing(0)).toBe(true);
  });

  it('a new install over a partition replaces its outcome', () => {
    const health = new WorkloadHealth(1, new RandomStreams(1));
    health.installed(0, 1, 1);
    health.installed(0, 1, 0);
    expect(health.booted(0, 1)).toBe(false);
  });

  it('draws from its own stream only for a probability above 0 (scenarios without the key keep their traces)', () => {
    const streams = new RandomStreams(7);
    const health = new WorkloadHealth(3, streams);
    health.installed(0, 1, 0);
    // Nothing drawn: the node.workload column of a fresh set of streams gives the same first draw.
    const fresh = new RandomStreams(7).column('node.workload', 3);
    const outcomes: boolean[] = [];
    for (let i = 0; i < 16; i++) {
      health.installed(0, 0, 0);
      health.installed(0, 1, 0.5);
      outcomes.push(health.booted(0, 1));
    }
    expect(outcomes).toEqual(Array.from({ length: 16 }, () => fresh.chance(0, 0.5)));
  });
});
