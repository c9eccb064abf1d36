// A stand-in for the node's reboot manager, as locksmithd behaves (docs/sources.md): when it
// wants to reboot it takes the lock, retrying with backoff 5 s -> 5 min; it holds the lock over
// its reboot and releases it once back. Two ways to wait on a full semaphore: `poll` (every
// retry is a request) and `notify` (waitForSlot + pollAtOrAfter, the shortcut's contract).
// Retries are anchored on poll start times (retry at start + delay): locksmithd sleeps after the
// answer instead, which shifts its schedule by one request latency (ms) per retry.
import { pollAtOrAfter, locksmithRetryDelayMs } from '../../../../sim/model/etcd/locks/backoff.ts';
import type { LockResult, RebootLock } from '../../../../sim/model/etcd/locks/types.ts';
import type { Simulation } from '../../../../sim/engine/simulation.ts';

export type WaitMode = 'poll' | 'notify';

export interface Grant {
  node: number;
  atMs: number;
}

export function runWaiters(
  sim: Simulation,
  lock: RebootLock,
  mode: WaitMode,
  wants: readonly { node: number; atMs: number; holdMs: number }[],
): { grants: Grant[]; holding: Set<number>; maxHolding: { value: number } } {
  const grants: Grant[] = [];
  const holding = new Set<number>();
  const maxHolding = { value: 0 };
  for (const want of wants) {
    let failures = 0;
    const attempt = (): void => {
      const polledAtMs = sim.now;
      lock.acquire(want.node, '', (r: LockResult) => {
        if (r.ok) {
          grants.push({ node: want.node, atMs: sim.now });
          holding.add(want.node);
          maxHolding.value = Math.max(maxHolding.value, holding.size);
          sim.callAfter(want.holdMs, () => {
            holding.delete(want.node);
            lock.release(want.node, '', () => {});
          });
          return;
        }
        failures++;
        if (mode === 'notify' && r.outcome === 'full') {
          lock.waitForSlot('', (nowMs) => {
            const next = pollAtOrAfter(polledAtMs, failures, nowMs);
            lock.recordSkippedPolls(next.skippedPolls);
            failures = next.failures;
            sim.callAt(next.pollMs, attempt);
          });
          return;
        }
        // Retries are anchored on the poll's start, the schedule pollAtOrAfter assumes.
        sim.callAt(Math.max(sim.now, polledAtMs + locksmithRetryDelayMs(failures)), attempt);
      });
    };
    sim.callAt(want.atMs, attempt);
  }
  return { grants, holding, maxHolding };
}
