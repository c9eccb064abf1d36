// kured's ticks, as the world sees them (kubereboot/kured cmd/kured/main.go rebootAsRequired,
// pkg/delaytick: the first tick after a uniform draw, then exactly every --period).
//
// Two uses:
// - Elided ticks (fast fidelity): a tick that finds no reboot sentinel does nothing, so the kured
//   machine rests (`dormant`) instead of arming the next one; when the sentinel appears, the world
//   tells it how long until the tick it would have come to (nextTickWaitMs), computed with the same
//   floating-point additions as the ticks themselves, so the run is the same to the bit.
// - The liveness checker: kured checks its blockers (blockers.RebootBlocked: a firing Prometheus
//   alert, pkg/blockers/prometheus.go; a blocking pod, pkg/blockers/kubernetespod.go) at every
//   tick inside the window, and a node's ticks keep their phase, so an alert that flaps in phase
//   with --period holds the same nodes at every tick, for good: a standing condition of the
//   scenario, not a rollout that failed to converge. The checker excuses a node only when its
//   every tick inside the window with the sentinel set, since the liveness phase began, was blocked.

import { fail } from '../../engine/assert.ts';

/** Neighbouring delays tried on each side for an exact landing. */
const LANDING_STEPS_MAX = 4;
/** Bound on the additions that find the next tick (ticks in a horizon of years at --period 1m). */
const TICKS_SKIPPED_MAX = 10_000_000;

export class KuredTicks {
  /** Per node: the time of its last main-loop tick (-1: none yet). */
  readonly lastTickMs: Float64Array;
  /** Per node: the last tick inside the window with the sentinel set that a blocker held (-1: none). */
  readonly lastBlockedMs: Float64Array;
  /** Per node: the last tick inside the window with the sentinel set that no blocker held (-1: none). */
  readonly lastPassedMs: Float64Array;

  constructor(nodeCount: number) {
    this.lastTickMs = new Float64Array(nodeCount).fill(-1);
    this.lastBlockedMs = new Float64Array(nodeCount).fill(-1);
    this.lastPassedMs = new Float64Array(nodeCount).fill(-1);
  }

  /** A main-loop tick of `node` at `nowMs`; `gated`: inside the window with the sentinel set. */
  tick(node: number, nowMs: number, gated: boolean, blocked: boolean): void {
    this.lastTickMs[node] = nowMs;
    if (!gated) return;
    if (blocked) this.lastBlockedMs[node] = nowMs;
    else this.lastPassedMs[node] = nowMs;
  }

  /**
   * The delay, from `nowMs`, that lands a timer exactly on the first tick after `nowMs` of a node
   * whose last tick was at lastTickMs and whose ticks come every `periodMs`: the ticks' times are
   * the sums lastTick + period + period ... (as the machine's timers add them), and the delay is
   * chosen so that nowMs + delay gives that sum exactly. A tick at exactly `nowMs` counts as
   * passed (it came before the event that calls this).
   */
  nextTickWaitMs(node: number, nowMs: number, periodMs: number): number {
    let tickMs = this.lastTickMs[node];
    if (!(tickMs >= 0 && tickMs <= nowMs)) fail(`kured node ${node}: no tick before ${nowMs} to continue from (${tickMs})`);
    for (let skipped = 0; tickMs <= nowMs; skipped++) {
      if (skipped >= TICKS_SKIPPED_MAX) fail(`kured node ${node}: more than ${TICKS_SKIPPED_MAX} ticks to skip`);
      tickMs += periodMs;
    }
    const exact = tickMs - nowMs;
    // Exact when nowMs >= tickMs / 2 (Sterbenz: the difference is a double, and nowMs + it is
    // tickMs). That holds for every resume after the first period of a run. Before it, a
    // neighbouring double may land instead; when rounding to even makes the tick unreachable
    // from nowMs, the closest landing (one unit in the last place) is taken.
    let best = exact;
    let bestErr = Math.abs(nowMs + exact - tickMs);
    for (let k = 1; k <= LANDING_STEPS_MAX && bestErr > 0; k++) {
      for (const waitMs of [stepUlps(exact, k), stepUlps(exact, -k)]) {
        const err = Math.abs(nowMs + waitMs - tickMs);
        if (err < bestErr) {
          best = waitMs;
          bestErr = err;
        }
      }
    }
    return best;
  }

  /** True when every gated tick of `node` since `sinceMs` was blocked (and there was one). */
  heldSince(node: number, sinceMs: number): boolean {
    return this.lastBlockedMs[node] >= sinceMs && this.lastPassedMs[node] < sinceMs;
  }
}

const scratch = new Float64Array(1);
const bits = new BigInt64Array(scratch.buffer);

/** The double `k` units in the last place away from a positive finite x. */
function stepUlps(x: number, k: number): number {
  scratch[0] = x;
  bits[0] += BigInt(k);
  return scratch[0];
}
