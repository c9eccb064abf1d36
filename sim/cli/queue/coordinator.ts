// The coordinator's side of `--queue`: another executor of the same jobs the thread pool runs.
// It puts each job in BullMQ (job id = run id + index, so adding it again is a no-op), collects
// the results into the job's slot (so a result is counted once, whoever sent it and however
// often), and returns them in job order, like runJobs. A coordinator restarted with the same
// command computes the same run id and starts from the results already in Redis.
//
// Fault tolerance is BullMQ's: a worker that dies holding a job loses its lock, another worker's
// stalled-job check puts the job back in the wait list, and it runs again elsewhere.

import { Queue, QueueEvents, type Job } from 'bullmq';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED } from '../exit.ts';
import type { JobResult, RunJob } from '../job.ts';
import { assertReachable, connectionOptions } from './connection.ts';
import { byteLength, FLEETSIM_VERSION, jobIdOf, MAX_PAYLOAD_BYTES, parseResult, PROTOCOL_VERSION, QUEUE_NAME, runIdOf, type QueuePayload } from './protocol.ts';
import type { QueueAddress } from './url.ts';

/** Jobs added or looked up per round trip. */
const CHUNK = 500;
/** Attempts per job when the processor itself fails (a worker's thread died); a stall is not one. */
export const JOB_ATTEMPTS = 3;
/** With no result for this long, the coordinator asks Redis directly instead of waiting for events. */
const RECONCILE_MS = 5000;
/** The events stream is trimmed to about this many entries; reconciliation covers what it drops. */
const EVENTS_MAX_LEN = 10_000;

export interface QueueRunHooks {
  /** Once, before the first job is added: the run id and the results found in Redis already. */
  onStart?: (runId: string, alreadyDone: number, total: number) => void;
  onProgress?: (done: number, total: number) => void;
}

export async function runJobsOnQueue(jobs: readonly RunJob[], address: QueueAddress, hooks: QueueRunHooks = {}): Promise<JobResult[]> {
  if (jobs.length === 0) return [];
  const runId = runIdOf(jobs);
  const payloads = jobs.map((job, index): QueuePayload => ({ v: PROTOCOL_VERSION, fleetsim: FLEETSIM_VERSION, runId, index, job }));
  for (const payload of payloads) {
    const size = byteLength(JSON.stringify(payload));
    if (size > MAX_PAYLOAD_BYTES) {
      throw new CliError(
        [`--queue: the job for ${payload.job.file} seed ${payload.job.seed} is ${size} bytes, more than the queue's limit of ${MAX_PAYLOAD_BYTES} bytes; run it without --queue`],
        EXIT_BAD_INPUT,
      );
    }
  }
  await assertReachable(address);

  const connection = connectionOptions(address);
  const queue = new Queue(QUEUE_NAME, { connection, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const results: (JobResult | undefined)[] = new Array(jobs.length).fill(undefined);
  let done = 0;
  let lastResultMs = Date.now();
  let fatal: Error | null = null;
  let wake: () => void = () => {};

  const indexOf = (jobId: string): number | null => {
    if (!jobId.startsWith(`${runId}-`)) return null;
    const index = Number(jobId.slice(runId.length + 1));
    return Number.isSafeInteger(index) && index >= 0 && index < jobs.length ? index : null;
  };
  const accept = (index: number, value: unknown) => {
    if (results[index] !== undefined) return; // a duplicate (an event and a lookup, or a retried job)
    try {
      results[index] = parseResult(value, runId, index);
    } catch (error) {
      fatal ??= error instanceof Error ? error : new Error(String(error));
      wake();
      return;
    }
    done++;
    lastResultMs = Date.now();
    hooks.onProgress?.(done, jobs.length);
    wake();
  };
  const failFor = (index: number, reason: string) => {
    const job = jobs[index];
    fatal ??= new CliError([`--queue: the job for ${job.file} seed ${job.seed} failed on a worker after ${JOB_ATTEMPTS} attempts: ${reason}`], EXIT_FAILED);
    wake();
  };

  try {
    events.on('completed', ({ jobId, returnvalue }) => {
      const index = indexOf(jobId);
      if (index !== null) accept(index, returnvalue);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const index = indexOf(jobId);
      if (index === null || results[index] !== undefined) return;
      // 'failed' is final (a retry goes back to waiting without it), but ask: a stale event must not end the run.
      void queue.getJob(jobId).then(async (job) => {
        if (job !== undefined && (await job.getState()) === 'failed') failFor(index, failedReason);
      });
    });
    await Promise.all([events.waitUntilReady(), queue.waitUntilReady()]);

    // What Redis already holds for this run (a restarted coordinator), then what it still needs.
    const missing = await lookUp(queue, runId, range(jobs.length), accept, failFor, { retryFailed: true });
    hooks.onStart?.(runId, done, jobs.length);
    for (let i = 0; i < missing.length; i += CHUNK) {
      await queue.addBulk(
        missing.slice(i, i + CHUNK).map((index) => ({
          name: 'run',
          data: payloads[index],
          opts: { jobId: jobIdOf(runId, index), attempts: JOB_ATTEMPTS, removeOnComplete: false, removeOnFail: false },
        })),
      );
    }

    while (done < jobs.length && fatal === null) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, RECONCILE_MS).unref();
      });
      if (done < jobs.length && fatal === null && Date.now() - lastResultMs >= RECONCILE_MS) {
        // No result for a while: events may have been trimmed or missed; ask for the missing jobs.
        // A job gone from Redis (another coordinator of the same command finished and removed it) is added again.
        const open = range(jobs.length).filter((i) => results[i] === undefined);
        const gone = await lookUp(queue, runId, open, accept, failFor, { retryFailed: false });
        for (let i = 0; i < gone.length; i += CHUNK) {
          await queue.addBulk(
            gone.slice(i, i + CHUNK).map((index) => ({ name: 'run', data: payloads[index], opts: { jobId: jobIdOf(runId, index), attempts: JOB_ATTEMPTS } })),
          );
        }
        lastResultMs = Date.now();
      }
    }
    if (fatal !== null) throw fatal;
    // Every result is here: the run's jobs leave Redis (the output is a pure function of them).
    for (let i = 0; i < jobs.length; i += CHUNK) {
      await Promise.all(range(Math.min(CHUNK, jobs.length - i)).map((k) => queue.remove(jobIdOf(runId, i + k)).catch(() => 0)));
    }
  } finally {
    await Promise.all([events.close(), queue.close()]);
  }
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`runJobsOnQueue: job ${i} has no result`);
    return r;
  });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Looks the jobs up in Redis: completed ones are accepted, failed ones retried (on a restart) or
 * reported; returns the indexes that Redis does not hold at all.
 */
async function lookUp(
  queue: Queue,
  runId: string,
  indexes: readonly number[],
  accept: (index: number, value: unknown) => void,
  failFor: (index: number, reason: string) => void,
  options: { retryFailed: boolean },
): Promise<number[]> {
  const absent: number[] = [];
  for (let i = 0; i < indexes.length; i += CHUNK) {
    const chunk = indexes.slice(i, i + CHUNK);
    const found = await Promise.all(chunk.map((index) => queue.getJob(jobIdOf(runId, index)) as Promise<Job | undefined>));
    for (let k = 0; k < chunk.length; k++) {
      const job = found[k];
      const index = chunk[k];
      if (job === undefined || job === null) {
        absent.push(index);
        continue;
      }
      // Only a completion sets the return value (an earlier failed attempt may have left a failedReason).
      if (job.returnvalue !== null && job.returnvalue !== undefined) accept(index, job.returnvalue);
      else if (job.finishedOn === undefined || !(await job.isFailed())) continue; // waiting, running or retrying
      else if (options.retryFailed) await job.retry('failed');
      else failFor(index, job.failedReason);
    }
  }
  return absent;
}
