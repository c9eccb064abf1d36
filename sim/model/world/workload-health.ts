import { assert } from '../../engine/assert.ts';
import type { RandomColumn, RandomStreams } from '../../engine/random.ts';

/**
 * Which nodes run a release that breaks their workloads (a release's
 * `workloadFailureProbability`). Such a release boots and is marked good after 45 s like any
 * other, so GRUB's one-try rule never rolls it back: only health checks and operators see it,
 * and an operator's `rollback` action is the way back (the issue is update_engine's: it judges a
 * boot by the OS reaching flatcar-setgoodroot, not by what the node runs).
 *
 * The outcome is drawn once per install, when postinstall writes the partition (as the boot
 * failure is), and kept with that partition: every later boot of it gives the same outcome.
 * The draws come from their own stream (`node.workload`), and only for a probability above 0,
 * so scenarios without the key draw nothing and keep their traces.
 */
export class WorkloadHealth {
  /** Per node and slot: 1 when the release written there breaks the node's workloads. */
  private readonly badOfSlot: Uint8Array;
  /** Per node: 1 while it runs a partition whose release breaks its workloads. */
  private readonly failing: Uint8Array;
  private failingNow = 0;
  private random: RandomColumn | null = null;

  constructor(
    private readonly nodeCount: number,
    private readonly streams: RandomStreams,
  ) {
    this.badOfSlot = new Uint8Array(2 * nodeCount);
    this.failing = new Uint8Array(nodeCount);
  }

  /** Postinstall wrote a release to `slot`; `probability` is its workloadFailureProbability here. */
  installed(node: number, slot: number, probability: number): void {
    assert(slot === 0 || slot === 1, `slot must be 0 or 1, got ${slot}`);
    let bad = 0;
    if (probability > 0) {
      this.random ??= this.streams.column('node.workload', this.nodeCount);
      bad = this.random.chance(node, probability) ? 1 : 0;
    }
    this.badOfSlot[2 * node + slot] = bad;
  }

  /** The node booted `slot`: true when its workloads now fail. */
  booted(node: number, slot: number): boolean {
    assert(slot === 0 || slot === 1, `slot must be 0 or 1, got ${slot}`);
    const bad = this.badOfSlot[2 * node + slot];
    this.failingNow += bad - this.failing[node];
    this.failing[node] = bad;
    return bad === 1;
  }

  isFailing(node: number): boolean {
    return this.failing[node] === 1;
  }

  /** Nodes whose running release breaks their workloads. */
  get failingNodes(): number {
    return this.failingNow;
  }
}
