import { assert } from '../engine/assert.ts';
import { faultsOf, nodeCountOf, withDuration, withFaults, withFewerNodes, type RawScenario } from './fuzz-scenario.ts';

/**
 * Shrinking a failing fuzz scenario while it still fails the same way (delta debugging, as
 * QuickCheck and TigerBeetle's VOPR do): a shorter horizon when the failure is a safety
 * violation (it happened at a known time), fewer faults (drop halves, then quarters, ... then
 * single faults), fewer nodes (halve the fleet, then each group). Every candidate is judged by
 * `stillFails`, which runs it; the number of runs is bounded.
 */
export interface ShrinkOptions {
  /** Runs the candidate; true when it fails the way the original did. */
  stillFails: (doc: RawScenario) => boolean;
  /** Time of the first violation when it is a safety one; null for liveness or crashes. */
  failureTimeMs: number | null;
  /** Current horizon of `doc` in ms. */
  horizonMs: number;
  maxRuns: number;
}

export interface ShrinkResult {
  doc: RawScenario;
  runs: number;
  faults: number;
  nodes: number;
}

/** Margin kept after a safety violation when the horizon is cut. */
const HORIZON_MARGIN_MS = 60_000;
const NODE_FACTOR = 0.5;

export function shrinkScenario(doc: RawScenario, options: ShrinkOptions): ShrinkResult {
  assert(options.maxRuns >= 0, 'maxRuns must be >= 0');
  let runs = 0;
  let best = doc;
  const attempt = (candidate: RawScenario | null): boolean => {
    if (candidate === null || runs >= options.maxRuns) return false;
    runs++;
    if (!options.stillFails(candidate)) return false;
    best = candidate;
    return true;
  };

  if (options.failureTimeMs !== null) {
    const cutMs = Math.ceil(options.failureTimeMs) + HORIZON_MARGIN_MS;
    if (cutMs < options.horizonMs) attempt(withDuration(best, cutMs));
  }
  dropFaults();
  // Halve the whole fleet while it fails, then each group on its own.
  while (runs < options.maxRuns && attempt(withFewerNodes(best, NODE_FACTOR))) {
    // keep halving
  }
  const groupCount = (((best.fleet as RawScenario | undefined)?.groups ?? []) as unknown[]).length;
  for (let group = 0; group < groupCount; group++) {
    while (runs < options.maxRuns && attempt(withFewerNodes(best, NODE_FACTOR, group))) {
      // keep halving this group
    }
  }
  // Fewer nodes may have made more faults unnecessary.
  dropFaults();
  return { doc: best, runs, faults: faultsOf(best).length, nodes: nodeCountOf(best) };

  function dropFaults(): void {
    // A failure that needs no fault at all is the smallest there is.
    if (faultsOf(best).length > 1 && attempt(withFaults(best, []))) return;
    let chunk = Math.max(1, Math.floor(faultsOf(best).length / 2));
    while (chunk >= 1 && runs < options.maxRuns) {
      let start = 0;
      while (start < faultsOf(best).length && runs < options.maxRuns) {
        const faults = faultsOf(best);
        const kept = [...faults.slice(0, start), ...faults.slice(start + chunk)];
        // On success the next chunk slides into `start`; on failure move past this one.
        if (!attempt(withFaults(best, kept))) start += chunk;
      }
      if (chunk === 1) break;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }
}
