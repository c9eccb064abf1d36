// Downloads (sim/model/server/downloads.ts): the payloads in flight, one timer for the next
// completion on a real Simulation. Times worked out by hand: 8 Mbit/s is 1,000 bytes per ms.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { Downloads } from '../../../sim/model/server/downloads.ts';

function makeDownloads(nodes: number, totalBps = 8e6, nodeBps = 8e6) {
  const sim = new Simulation();
  const finished: Array<[number, number]> = [];
  const downloads = new Downloads(sim, nodes, totalBps, nodeBps, (node) => finished.push([node, sim.now]));
  return { sim, downloads, finished };
}

describe('Downloads', () => {
  it('tells of each finished download at its time and forgets it: 1 MB alone at 1,000 bytes/ms is 1 s', () => {
    const { sim, downloads, finished } = makeDownloads(4);
    downloads.start(2, 1, 1_000_000, 0);
    expect(downloads.inFlight()).toEqual([2]);
    expect(downloads.active).toBe(1);
    sim.runUntil(10_000);
    expect(finished).toEqual([[2, 1_000]]);
    expect(downloads.inFlight()).toEqual([]);
    // Forgotten: the node may download again.
    downloads.start(2, 1, 1_000_000, sim.now);
    sim.runUntil(20_000);
    expect(finished).toEqual([[2, 1_000], [2, 11_000]]);
  });

  it('lists the nodes in flight in node order, and an aborted one no more; the others speed up', () => {
    const { sim, downloads, finished } = makeDownloads(4);
    downloads.start(3, 1, 1_000_000, 0);
    downloads.start(0, 1, 1_000_000, 0);
    expect(downloads.inFlight()).toEqual([0, 3]);
    sim.runUntil(500);
    // Half a second at 500 bytes/ms each: 750,000 bytes left for node 3, alone at 1,000/ms.
    downloads.abort(0, 500);
    expect(downloads.inFlight()).toEqual([3]);
    expect(downloads.active).toBe(1);
    sim.runUntil(10_000);
    expect(finished).toEqual([[3, 1_250]]);
    // An aborted node can start again; aborting a node not downloading does nothing.
    downloads.abort(1, sim.now);
    downloads.start(0, 1, 1_000_000, sim.now);
    expect(downloads.inFlight()).toEqual([0]);
  });

  it('refuses a second download to the same node', () => {
    const { downloads } = makeDownloads(2);
    downloads.start(1, 1, 1_000, 0);
    expect(() => downloads.start(1, 1, 1_000, 0)).toThrow('node 1 is already downloading');
  });
});
