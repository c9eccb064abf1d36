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
  private readonly excusedKept: InvariantViolation[] = [];

  /**
   * A finding that is not a violation because the real system does the same (a liveness check
   * that a source's own design defeats, e.g. locksmith's ghost holder: sim/checkers/liveness.ts).
   * Reported beside the violations so it is never silent.
   */
  excuse(timeMs: number, checker: string, message: string): void {
    assert(Number.isFinite(timeMs) && timeMs >= 0, `excused finding time must be finite and >= 0, got ${timeMs}`);
    assert(checker !== '', 'an excused finding names its checker');
    if (this.excusedKept.length < LIST_MAX) this.excusedKept.push({ time: timeMs, checker, message });
  }

  get excused(): readonly InvariantViolation[] {
    return this.excusedKept;
  }

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
  report(): { violations: number; list: InvariantViolation[]; excused: InvariantViolation[] } {
    return { violations: this.total, list: this.kept.map((v) => ({ ...v })), excused: this.excusedKept.map((v) => ({ ...v })) };
  }
}
