// The network model: latency per zone pair from counter-based link draws, loss, partitions
// (at send and in flight), FIFO links, spikes, and the hooks the etcd shortcut relies on.
// Each test sends messages through a real Simulation and looks at delivery times.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { Network, type NetworkConfig } from '../../../sim/model/network/network.ts';

const config: NetworkConfig = { latencyMs: { min: 1, max: 5 }, interZoneLatencyMs: { min: 10, max: 20 }, lossProbability: 0 };

function setup(overrides: Partial<NetworkConfig> = {}, seed = 7) {
  const sim = new Simulation();
  const net = new Network(sim, seed, { ...config, ...overrides });
  const received: { to: number; from: number; atMs: number; message: unknown }[] = [];
  for (const [id, zone] of [[0, 'a'], [1, 'a'], [2, 'b']] as const) {
    net.attach(id, zone, (from, message) => received.push({ to: id, from, atMs: sim.now, message }));
  }
  return { sim, net, received };
}

describe('Network', () => {
  it('draws one-way latency from the same-zone range within a zone and the inter-zone range across zones', () => {
    const { sim, net, received } = setup();
    for (let i = 0; i < 200; i++) {
      net.send(0, 1, i);
      net.send(0, 2, i);
    }
    sim.runToEnd();
    const sameZone = received.filter((r) => r.to === 1).map((r) => r.atMs);
    const crossZone = received.filter((r) => r.to === 2).map((r) => r.atMs);
    expect(sameZone).toHaveLength(200);
    expect(Math.min(...sameZone)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sameZone)).toBeLessThan(5);
    expect(Math.min(...crossZone)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...crossZone)).toBeLessThan(20);
  });

  it('keeps each directed link FIFO: a message never overtakes an earlier one on the same link', () => {
    const { sim, net, received } = setup({ latencyMs: { min: 0, max: 50 } });
    for (let i = 0; i < 100; i++) net.send(0, 1, i);
    sim.runToEnd();
    expect(received.map((r) => r.message)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('loses about the configured share of messages, and the same ones for the same seed', () => {
    const run = () => {
      const { sim, net, received } = setup({ lossProbability: 0.3 });
      for (let i = 0; i < 2000; i++) net.send(0, 1, i);
      sim.runToEnd();
      return received.map((r) => r.message as number);
    };
    const first = run();
    expect(first.length).toBeGreaterThan(1250);
    expect(first.length).toBeLessThan(1550);
    expect(run()).toEqual(first);
  });

  it('delivers only within a side of a partition, and cuts messages in flight when the partition starts', () => {
    const { sim, net, received } = setup();
    net.send(0, 2, 'in flight');
    net.setPartition([[2]]);
    expect(net.send(0, 2, 'across')).toBe(false);
    expect(net.send(0, 1, 'same side')).toBe(true);
    sim.runToEnd();
    expect(received.map((r) => r.message)).toEqual(['same side']);
    expect(net.counters.cut).toBe(2);
    net.setPartition(null);
    net.send(0, 2, 'healed');
    sim.runToEnd();
    expect(received.map((r) => r.message)).toEqual(['same side', 'healed']);
  });

  it('adds a latency spike to messages from or to the spiked endpoints until it is removed', () => {
    const { sim, net, received } = setup();
    const spike = net.addSpike(100, [1]);
    net.send(0, 1, 'slow');
    net.send(0, 2, 'normal');
    sim.runToEnd();
    net.removeSpike(spike);
    const sentMs = sim.now;
    net.send(0, 1, 'fast again');
    sim.runToEnd();
    expect(received.find((r) => r.message === 'slow')!.atMs).toBeGreaterThanOrEqual(101);
    expect(received.find((r) => r.message === 'normal')!.atMs).toBeLessThan(20);
    expect(received.find((r) => r.message === 'fast again')!.atMs - sentMs).toBeLessThan(5);
  });

  it('latencyOf(from, to, n) is the latency the n-th message of the link draws, so skipping n messages is exact', () => {
    const a = setup();
    const predicted = [0, 1, 2, 3].map((n) => a.net.latencyOf(0, 2, n));
    for (let i = 0; i < 4; i++) a.sim.callAt(i * 1000, () => a.net.send(0, 2, i));
    a.sim.runToEnd();
    expect(a.received.map((r) => r.atMs)).toEqual(predicted.map((l, i) => i * 1000 + l));
    const b = setup();
    b.net.skipMessages(0, 2, 3, 3, 0);
    b.net.send(0, 2, 'fourth');
    b.sim.runToEnd();
    expect(b.received[0].atMs).toBe(predicted[3]);
    expect(b.net.counters.sent).toBe(4);
  });

  it('calls change listeners before and after every configuration change', () => {
    const { net } = setup();
    const calls: string[] = [];
    net.onBeforeChange(() => calls.push(`before loss=${net.current.lossProbability}`));
    net.onAfterChange(() => calls.push(`after loss=${net.current.lossProbability}`));
    net.setLoss(0.5);
    expect(calls).toEqual(['before loss=0', 'after loss=0.5']);
  });

  it('rejects a loss probability outside [0, 1] and an endpoint on two sides', () => {
    const { net } = setup();
    expect(() => net.setLoss(1.5)).toThrow(/outside \[0, 1\]/);
    expect(() => net.setPartition([[0], [0, 1]])).toThrow(/two sides/);
  });
});
