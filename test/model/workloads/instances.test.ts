/**
 * The instance lifecycle (sim/model/workloads/instances.ts): an instance stops when its node goes
 * down; without reschedule it stays for systemd to start again on the same node (systemd.service
 * Restart=, the unit is started again at boot); with reschedule it leaves the node (a Kubernetes pod
 * is recreated elsewhere by its ReplicaSet).
 */
import { describe, expect, it } from 'vitest';
import { InstanceState, InstanceTable } from '../../../sim/model/workloads/instances.ts';

function table(): InstanceTable {
  // Instances 0, 1 of workload 0 (systemd); 2 of workload 1 (Kubernetes).
  const t = new InstanceTable([0, 0, 1], 2, 3);
  t.start(0, 0, 1_000);
  t.start(1, 1, 1_000);
  t.start(2, 0, 2_000);
  for (const [i, at] of [[0, 1_000], [1, 1_000], [2, 2_000]]) expect(t.becomeReady(i, at)).toBe(true);
  return t;
}

const rescheduleWorkload1 = (w: number) => w === 1;

describe('InstanceTable', () => {
  it('counts ready instances per workload, and each workload\'s instances per node', () => {
    const t = table();
    expect([t.ready(0), t.ready(1)]).toEqual([2, 1]);
    expect([t.countOn(0, 0), t.countOn(0, 1), t.countOn(1, 0), t.countOn(2, 0)]).toEqual([1, 1, 1, 0]);
    t.nodeDown(0, rescheduleWorkload1);
    expect([t.countOn(0, 0), t.countOn(0, 1)]).toEqual([1, 0]);
  });

  it('stops every instance of a node that goes down; a rescheduled one leaves the node', () => {
    const t = table();
    expect(t.nodeDown(0, rescheduleWorkload1).sort()).toEqual([0, 2]);
    expect([t.ready(0), t.ready(1)]).toEqual([1, 0]);
    expect(t.state[0]).toBe(InstanceState.Stopped);
    expect(t.node[0]).toBe(0);
    expect(t.state[2]).toBe(InstanceState.Pending);
    expect(t.node[2]).toBe(-1);
    expect(t.instancesOn(0)).toEqual([0]);
  });

  it('starts a stopped systemd instance on its own node when the node is back, ready after its startup', () => {
    const t = table();
    t.nodeDown(0, rescheduleWorkload1);
    expect(t.nodeUp(0, () => 90_000)).toEqual([0]);
    expect(t.becomeReady(0, 80_000)).toBe(false); // not its time
    expect(t.becomeReady(0, 90_000)).toBe(true);
    expect(t.ready(0)).toBe(2);
  });

  it('ignores a stale ready event of an instance that stopped during its startup', () => {
    const t = new InstanceTable([0], 1, 1);
    t.start(0, 0, 5_000);
    t.nodeDown(0, () => false);
    expect(t.becomeReady(0, 5_000)).toBe(false);
    expect(t.ready(0)).toBe(0);
  });

  it('an eviction leaves the instance pending, off its node', () => {
    const t = table();
    t.evict(1);
    expect(t.ready(0)).toBe(1);
    expect(t.node[1]).toBe(-1);
    expect(t.instancesOn(1)).toEqual([]);
    expect(() => t.evict(1)).toThrow(/on no node/);
  });
});
