import { assert } from '../engine/assert.ts';
import type { InvariantViolation } from '../report/report.ts';

/**
 * The violations the checkers found: every one counted, the first LIST_MAX kept with their time
 * and message (docs/report.md `invariants`). A checker never throws: a run that breaks an
 * invariant goes on, so that the report shows what followed, and the fuzzer can shrink it.
 */
export const LIST_MAX = 1000;

export class Violations {
  private readonly kept: InvariantViolation[] = [];
  private total = 0;

  record(timeMs: number, checker: string, message: string): void {
    assert(Number.isFinite(timeMs) && timeMs >= 0, `violation time must be finite and >= 0, got ${timeMs}`);
    assert(checker !== '', 'a violation names its checker');
    this.total++;
    if (this.kept.length < LIST_MAX) this.kept.push({ time: timeMs, checker, message });
  }

  get count(): number {
    return this.total;
  }

  get list(): readonly InvariantViolation[] {
    return this.kept;
  }

  /** The report's `invariants` section (a copy: the report outlives the run). */
  report(): { violations: number; list: InvariantViolation[] } {
    return { violations: this.total, list: this.kept.map((v) => ({ ...v })) };
  }
}
