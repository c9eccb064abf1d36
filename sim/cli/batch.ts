// Where a batch's runs go (check, sweep, fuzz, search): worker threads on this machine, or a
// BullMQ queue in Redis that `fleetsim worker` processes serve (--queue). Both run the same jobs
// through the same job function and hand results back in job order, so the output is the same
// bytes either way; only the progress line and the "on N workers" wording differ.

import { badInput } from './exit.ts';
import { styleOf, type Io } from './io.ts';
import type { JobResult, RunJob } from './job.ts';
import { parseWorkersOption } from './args.ts';
import { defaultWorkers, runJobs } from './pool.ts';
import { formatBatchProgress, ProgressLine } from './progress.ts';
import { runJobsOnQueue } from './queue/coordinator.ts';
import { parseQueueUrl, type QueueAddress } from './queue/url.ts';

export type BatchTarget = { kind: 'threads'; workers: number } | { kind: 'queue'; address: QueueAddress };

/** --workers and --queue as a command got them: threads by default, the queue when --queue is given. */
export function batchTarget(options: { workers?: string; queue?: string }): BatchTarget {
  if (options.queue === undefined) return { kind: 'threads', workers: options.workers === undefined ? defaultWorkers() : parseWorkersOption(options.workers) };
  if (options.workers !== undefined) throw badInput('--workers with --queue: the runs go to the `fleetsim worker` processes; give them --workers instead');
  return { kind: 'queue', address: parseQueueUrl(options.queue) };
}

/** "on 2 workers" / "on queue redis://..." for the summary lines. */
export function describeTarget(target: BatchTarget, jobs: number): string {
  return target.kind === 'threads' ? `on ${Math.min(target.workers, jobs)} workers` : `on queue ${target.address.text}`;
}

/** Runs the jobs with the batch progress line on a terminal (runs done / total, ETA). */
export async function runBatch(jobs: readonly RunJob[], target: BatchTarget, io: Io): Promise<JobResult[]> {
  const progress = new ProgressLine(io.stderr, io.stderr.isTTY === true);
  const ascii = !styleOf(io, io.stderr).fancy;
  const started = io.nowMs();
  // A resumed queue run starts with results already in hand; the ETA counts only this session's.
  let doneAtStart = 0;
  const onProgress = (done: number, total: number) => {
    const wallMs = io.nowMs() - started;
    progress.update(formatBatchProgress(done, total, wallMs, ascii, doneAtStart), wallMs, done === total);
  };
  progress.update(formatBatchProgress(0, jobs.length, 0, ascii), 0, true);
  const results =
    target.kind === 'threads'
      ? await runJobs(jobs, target.workers, onProgress)
      : await runJobsOnQueue(jobs, target.address, {
          onStart: (runId, alreadyDone, total) => {
            doneAtStart = alreadyDone;
            progress.clear();
            io.stderr.write(
              `queue ${target.address.text}: run ${runId}, ${total} jobs` +
                (alreadyDone > 0 ? `; resuming with ${alreadyDone} results already in Redis` : '') +
                '; start `fleetsim worker --queue URL` on any machine to serve it\n',
            );
            progress.update(formatBatchProgress(alreadyDone, total, 0, ascii, alreadyDone), 0, true);
          },
          onProgress,
        });
  progress.clear();
  return results;
}
