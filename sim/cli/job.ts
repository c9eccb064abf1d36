// One run of a batch (check, sweep): scenario text + overrides + seed -> report. Runs in a worker
// thread; each worker parses a scenario once and keeps it for the next seeds. The result depends
// only on the job, never on which worker ran it or when (docs/cli.md: results never depend on
// --workers).

import { performance } from 'node:perf_hooks';
import type { Report } from '../report/report.ts';
import { FleetRun } from '../run/fleet-run.ts';
import { formatScenarioError, parseScenario, type Scenario } from '../scenario/index.ts';

export interface RunJob {
  /** The file name, for error messages and the cache key. */
  file: string;
  text: string;
  overrides: Record<string, unknown>;
  seed: number;
}

export type JobResult = { ok: true; report: Report } | { ok: false; error: string };

/** Parsed scenarios kept per worker; bounded so a sweep of many combinations cannot grow it forever. */
const CACHE_LIMIT = 32;

export class ScenarioCache {
  private readonly entries = new Map<string, Scenario>();

  get(job: RunJob): Scenario {
    const key = `${job.file}\u0000${job.text}\u0000${JSON.stringify(job.overrides)}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const parsed = parseScenario(job.text, job.file, { overrides: job.overrides });
    // The CLI validated every job's scenario before starting workers; failing here is a bug.
    if (!parsed.ok) throw new Error(`scenario became invalid in a worker: ${parsed.errors.map(formatScenarioError).join('; ')}`);
    if (this.entries.size >= CACHE_LIMIT) this.entries.clear();
    this.entries.set(key, parsed.scenario);
    return parsed.scenario;
  }
}

/** Runs a job; a crash of the model (an assertion) becomes a failed result with its message. */
export function runJob(job: RunJob, cache: ScenarioCache): JobResult {
  const scenario = cache.get(job);
  try {
    const started = performance.now();
    const run = new FleetRun(scenario, { seed: job.seed });
    run.runToEnd();
    const report = run.report();
    report.wallMs = Math.round(performance.now() - started);
    return { ok: true, report };
  } catch (error) {
    return { ok: false, error: describeCrash(error) };
  }
}

/** The error's name, message and the top of its stack: enough to find the assertion. */
export function describeCrash(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const stack = (error.stack ?? '').split('\n').slice(1, 6).map((l) => l.trim());
  return [`${error.name}: ${error.message}`, ...stack].join('\n  ');
}
