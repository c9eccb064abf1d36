// A fixed pool of worker threads running batch jobs (check, sweep, fuzz, search; and the jobs a
// `fleetsim worker` takes from a queue). Results come back in job order whatever the completion
// order, so output never depends on --workers. Bounded: at most `threads` threads, each holding
// one job at a time; the waiting list holds at most the jobs its callers handed in.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JobResult, RunJob } from './job.ts';
import type { JobMessage } from './job-worker.ts';
import { RUNNING_BUILT } from './repo-root.ts';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export type PoolProgress = (done: number, total: number) => void;

interface Task {
  job: RunJob;
  resolve: (result: JobResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  thread: Worker;
  task: Task | null;
}

/**
 * Threads that run one job each at a time. A thread that dies (an out-of-memory, a bug in the
 * worker) fails the job it held and is replaced, so a long-lived `fleetsim worker` survives it.
 */
export class ThreadPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private closed = false;
  private nextTag = 0;

  constructor(readonly threads: number) {
    if (!Number.isSafeInteger(threads) || threads < 1) throw new Error(`ThreadPool: threads must be >= 1, got ${threads}`);
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  run(job: RunJob): Promise<JobResult> {
    if (this.closed) return Promise.reject(new Error('ThreadPool: run after close'));
    return new Promise<JobResult>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new Error('ThreadPool: closed before the job ran'));
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }

  private spawn(): Slot {
    // From the sources, worker.js registers tsx first; the build has the thread's entry compiled.
    const thread = new Worker(new URL(RUNNING_BUILT ? './job-worker.js' : './worker.js', import.meta.url));
    const slot: Slot = { thread, task: null };
    thread.on('message', (message: { index: number; result: JobResult }) => {
      const task = slot.task;
      if (task === null) throw new Error('ThreadPool: a thread answered a job it was not given');
      slot.task = null;
      task.resolve(message.result);
      this.pump();
    });
    const fail = (error: Error) => {
      const task = slot.task;
      slot.task = null;
      if (this.closed) return;
      task?.reject(error);
      // Replace the dead thread so the pool keeps its size.
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.pump();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`a worker thread exited with code ${code} in the middle of a job`)));
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.task !== null) continue;
      const task = this.waiting.shift();
      if (task === undefined) return;
      slot.task = task;
      const message: JobMessage = { index: this.nextTag++, job: task.job };
      slot.thread.postMessage(message);
    }
  }
}

export async function runJobs(jobs: readonly RunJob[], workerCount: number, onProgress?: PoolProgress): Promise<JobResult[]> {
  if (!Number.isSafeInteger(workerCount) || workerCount < 1) throw new Error(`runJobs: workers must be >= 1, got ${workerCount}`);
  if (jobs.length === 0) return [];
  const pool = new ThreadPool(Math.min(workerCount, jobs.length));
  let done = 0;
  try {
    return await Promise.all(
      jobs.map(async (job) => {
        const result = await pool.run(job);
        done++;
        onProgress?.(done, jobs.length);
        return result;
      }),
    );
  } finally {
    await pool.close();
  }
}
