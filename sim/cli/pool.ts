// A fixed pool of worker threads running batch jobs (check, sweep). Results come back in job
// order whatever the completion order, so output never depends on --workers. Bounded: at most
// `workers` threads, each holding one job at a time; the queue is the finite list of jobs.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JobResult, RunJob } from './job.ts';
import type { JobMessage } from './job-worker.ts';
import { styleOf, type Io } from './io.ts';
import { formatBatchProgress, ProgressLine } from './progress.ts';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export type PoolProgress = (done: number, total: number) => void;

export async function runJobs(jobs: readonly RunJob[], workerCount: number, onProgress?: PoolProgress): Promise<JobResult[]> {
  if (!Number.isSafeInteger(workerCount) || workerCount < 1) throw new Error(`runJobs: workers must be >= 1, got ${workerCount}`);
  const results: (JobResult | undefined)[] = new Array(jobs.length).fill(undefined);
  if (jobs.length === 0) return [];
  const count = Math.min(workerCount, jobs.length);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const dispatch = (worker: Worker) => {
        if (next >= jobs.length) return;
        const message: JobMessage = { index: next, job: jobs[next] };
        next++;
        worker.postMessage(message);
      };
      for (let i = 0; i < count; i++) {
        const worker = new Worker(new URL('./worker.js', import.meta.url));
        workers.push(worker);
        worker.on('message', (message: { index: number; result: JobResult }) => {
          if (results[message.index] !== undefined) {
            reject(new Error(`runJobs: job ${message.index} answered twice`));
            return;
          }
          results[message.index] = message.result;
          done++;
          onProgress?.(done, jobs.length);
          if (done === jobs.length) resolve();
          else dispatch(worker);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (done < jobs.length) reject(new Error(`a worker thread exited with code ${code} before the batch finished`));
        });
        dispatch(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`runJobs: job ${i} has no result`);
    return r;
  });
}

/**
 * runJobs with the batch progress line on a terminal (runs done / total, ETA): what check, sweep
 * and fuzz all show while their runs go.
 */
export async function runJobsWithProgress(jobs: readonly RunJob[], workerCount: number, io: Io): Promise<JobResult[]> {
  const progress = new ProgressLine(io.stderr, io.stderr.isTTY === true);
  const ascii = !styleOf(io, io.stderr).fancy;
  const started = io.nowMs();
  progress.update(formatBatchProgress(0, jobs.length, 0, ascii), 0, true);
  const results = await runJobs(jobs, workerCount, (done, total) => {
    const wallMs = io.nowMs() - started;
    progress.update(formatBatchProgress(done, total, wallMs, ascii), wallMs, done === total);
  });
  progress.clear();
  return results;
}
