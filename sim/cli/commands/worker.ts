// `fleetsim worker --queue redis://HOST:PORT[/DB] [--workers N] [--lock-duration MS]`: takes runs
// from the queue that `check|sweep|fuzz|search --queue` fill, runs them on N worker threads (the
// same pool and the same job function as a local run, so the report is the same bytes), and
// returns each result to Redis. Prints one line per run. Ctrl-C (or SIGTERM) drains: the runs in
// hand finish and are returned, then the process exits 0; a second Ctrl-C stops at once (the runs
// in hand are then retried by another worker once their lock expires).

import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { parseIntegerOption, parseWorkersOption } from '../args.ts';
import { EXIT_OK, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { defaultWorkers, ThreadPool } from '../pool.ts';
import { assertReachable, connectionOptions } from '../queue/connection.ts';
import { byteLength, FLEETSIM_VERSION, MAX_RESULT_BYTES, parsePayload, QUEUE_NAME, type QueueResult } from '../queue/protocol.ts';
import { parseQueueUrl } from '../queue/url.ts';

export interface WorkerOptions {
  queue: string;
  workers?: string;
  lockDuration?: string;
}

/** BullMQ's default lock: a worker that vanishes is noticed by the others within about twice this. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
/** A job whose worker vanished this many times is failed instead of retried forever. */
const MAX_STALLED = 5;

/** The signals a worker drains on. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export async function workerCommand(options: WorkerOptions, io: Io, signals: SignalSource = process): Promise<ExitCode> {
  const address = parseQueueUrl(options.queue);
  const threads = options.workers === undefined ? defaultWorkers() : parseWorkersOption(options.workers);
  const lockDurationMs =
    options.lockDuration === undefined ? DEFAULT_LOCK_DURATION_MS : parseIntegerOption('--lock-duration', options.lockDuration, 1000, 3_600_000);
  await assertReachable(address);

  const pool = new ThreadPool(threads);
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const process = async (job: Job): Promise<QueueResult> => {
    let payload;
    try {
      payload = parsePayload(job.data);
    } catch (error) {
      throw new UnrecoverableError(`job ${job.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (payload.fleetsim !== FLEETSIM_VERSION) {
      throw new UnrecoverableError(`job ${job.id} was made by fleetsim ${payload.fleetsim}; this worker is fleetsim ${FLEETSIM_VERSION} (reports could differ)`);
    }
    const what = `${payload.runId}#${payload.index} ${payload.job.file} seed ${payload.job.seed}${describeOverrides(payload.job.overrides)}`;
    say(`run   ${what}${job.attemptsStarted > 1 ? ` (attempt ${job.attemptsStarted})` : ''}`);
    const started = io.nowMs();
    const result = await pool.run(payload.job);
    const out: QueueResult = { runId: payload.runId, index: payload.index, result };
    const size = byteLength(JSON.stringify(out));
    if (size > MAX_RESULT_BYTES) {
      throw new UnrecoverableError(`the result of ${what} is ${size} bytes, more than the queue's limit of ${MAX_RESULT_BYTES} bytes; run it without --queue`);
    }
    say(`done  ${what} in ${((io.nowMs() - started) / 1000).toFixed(2)}s${result.ok ? '' : ' (the run crashed; the coordinator reports it)'}`);
    return out;
  };

  const worker = new Worker(QUEUE_NAME, process, {
    connection: connectionOptions(address),
    concurrency: threads,
    lockDuration: lockDurationMs,
    stalledInterval: lockDurationMs,
    maxStalledCount: MAX_STALLED,
    autorun: false,
  });
  worker.on('error', (error) => io.stderr.write(`worker: ${error.message}\n`));
  worker.on('failed', (job, error) => io.stderr.write(`worker: job ${job?.id ?? '?'} failed: ${error.message}\n`));

  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      say('draining: finishing the runs in hand (Ctrl-C again to stop now; they would then be retried elsewhere)');
      void worker.close();
    } else {
      say('stopping now');
      void worker.close(true);
    }
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  say(`worker: fleetsim ${FLEETSIM_VERSION}, ${threads} threads, queue ${address.text} (${QUEUE_NAME}); Ctrl-C drains`);
  try {
    await worker.run();
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    await worker.close();
    await pool.close();
  }
  say('worker: stopped');
  return EXIT_OK;
}

function describeOverrides(overrides: Record<string, unknown>): string {
  const keys = Object.keys(overrides);
  return keys.length === 0 ? '' : ` with ${keys.map((k) => `${k}=${JSON.stringify(overrides[k])}`).join(' ')}`;
}
