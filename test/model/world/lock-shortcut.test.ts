/**
 * Waiting on a full reboot lock without polling (fast fidelity, sim/model/world/lock-client.ts)
 * against the polling run (fidelity full), where every locksmithd retry is a GET through Raft.
 * The shortcut places each waiter's polls on locksmithd's schedule measured from its first poll;
 * the polling run's schedule slips by each request's round trip, so under contention the grant
 * order may differ between waiters polling within milliseconds of each other. What must agree:
 * safety (one holder), request counts and rollout times, to a few percent; and the grant order
 * exactly when waiters do not contend.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../sim/engine/trace.ts';
import { runYaml } from '../../run/helpers.ts';

const fleet = (herd: boolean) => `
name: lock-shortcut
duration: 6h
fleet:
  coldStart: ${herd}
  groups:
    - {name: prod, nodes: 40, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: etcd-lock, maxConcurrent: 1, drain: ${herd ? '2m' : '0s'}}
`;

function run(herd: boolean, fidelity: 'fast' | 'full', seed: number) {
  const order: number[] = [];
  const { report } = runYaml(fleet(herd), { fidelity }, { seed, traceSubscriber: (e: TraceEvent) => e.kind === 'node.reboot' && order.push(e.subject as number) });
  return { order, report };
}

describe('waiting on a full reboot lock without polling', () => {
  it('gives the same grant order and request counts as polling when waiters do not contend', () => {
    for (const seed of [1, 2]) {
      const fast = run(false, 'fast', seed);
      const full = run(false, 'full', seed);
      expect(fast.order).toEqual(full.order);
      expect(fast.report.etcd.requests).toBe(full.report.etcd.requests);
      // Within a request's round trips: the last reboots' lock calls travel differently.
      expect(Math.abs(fast.report.rollout.completedAt! - full.report.rollout.completedAt!)).toBeLessThan(1_000);
    }
  });

  it('agrees with polling to a few percent under a thundering herd, with one holder at a time', () => {
    let fastRequests = 0;
    let fullRequests = 0;
    let fastDuration = 0;
    let fullDuration = 0;
    for (const seed of [1, 2, 3]) {
      const fast = run(true, 'fast', seed);
      const full = run(true, 'full', seed);
      for (const r of [fast.report, full.report]) {
        expect(r.rollout.completed).toBe(true);
        expect(r.etcd.maxLockHolders).toBe(1);
        expect(r.reboots.maxConcurrent).toBe(1);
      }
      fastRequests += fast.report.etcd.requests;
      fullRequests += full.report.etcd.requests;
      fastDuration += fast.report.rollout.duration!;
      fullDuration += full.report.rollout.duration!;
      // The shortcut is the point: no event per failed poll.
      expect(fast.report.events * 20).toBeLessThan(full.report.events);
    }
    expect(Math.abs(fastRequests - fullRequests) / fullRequests).toBeLessThan(0.05);
    expect(Math.abs(fastDuration - fullDuration) / fullDuration).toBeLessThan(0.1);
  });
});
