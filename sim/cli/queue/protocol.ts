// What travels through Redis between a coordinator (check, sweep, fuzz, search with --queue) and
// `fleetsim worker`: one BullMQ job per run, carrying the whole scenario text (workers need no
// shared disk), and its result. The run id is a hash of the command's jobs (scenario contents,
// overrides, seeds), so the same command restarted finds its earlier results; the job id is the
// run id and the job's index, so a job is added once and its result counted once.

import { createHash } from 'node:crypto';
import type { JobResult, RunJob } from '../job.ts';
import { FLEETSIM_PACKAGE_VERSION } from '../repo-root.ts';

/** The BullMQ queue every coordinator and worker uses. */
export const QUEUE_NAME = 'fleetsim-runs';
/** Bumped when the payload or result format changes, so old results are never read as new. */
export const PROTOCOL_VERSION = 1;

/** A job's payload is mostly its scenario text; 1 MiB is 100x the largest shipped scenario. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** A result is a report/v1 (about 2 KiB; the invariant list is capped by the checkers). */
export const MAX_RESULT_BYTES = 1024 * 1024;

/**
 * The fleetsim version that made a job: a worker of another version refuses it, since the same
 * (scenario, seed) may give another report there and the output would then depend on who ran what.
 */
export const FLEETSIM_VERSION = FLEETSIM_PACKAGE_VERSION;

export interface QueuePayload {
  v: typeof PROTOCOL_VERSION;
  fleetsim: string;
  runId: string;
  index: number;
  job: RunJob;
}

export interface QueueResult {
  runId: string;
  index: number;
  result: JobResult;
}

/** A stable text of a value: object keys sorted, so {a,b} and {b,a} hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 16 hex digits of SHA-256 over the protocol and fleetsim versions and every job, in order. */
export function runIdOf(jobs: readonly RunJob[]): string {
  const hash = createHash('sha256');
  hash.update(`fleetsim-queue/v${PROTOCOL_VERSION} fleetsim ${FLEETSIM_VERSION}\n`);
  for (const job of jobs) hash.update(`${canonicalJson({ file: job.file, text: job.text, overrides: job.overrides, seed: job.seed })}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** BullMQ job ids may not contain ':' (its key separator), so a dash joins the parts. */
export function jobIdOf(runId: string, index: number): string {
  return `${runId}-${index}`;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Checks a payload read from Redis: anything else (another program's job, an old format) is refused. */
export function parsePayload(data: unknown): QueuePayload {
  const p = data as Partial<QueuePayload> | null;
  const job = p?.job as Partial<RunJob> | undefined;
  if (
    p === null ||
    typeof p !== 'object' ||
    p.v !== PROTOCOL_VERSION ||
    typeof p.fleetsim !== 'string' ||
    typeof p.runId !== 'string' ||
    !Number.isSafeInteger(p.index) ||
    job === undefined ||
    typeof job.file !== 'string' ||
    typeof job.text !== 'string' ||
    typeof job.overrides !== 'object' ||
    job.overrides === null ||
    !Number.isSafeInteger(job.seed)
  ) {
    throw new Error(`not a fleetsim job of protocol version ${PROTOCOL_VERSION}`);
  }
  return p as QueuePayload;
}

/** A result read back from Redis (a string or an object, as BullMQ hands it), checked against its job. */
export function parseResult(value: unknown, runId: string, index: number): JobResult {
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<QueueResult> | null;
  if (parsed === null || parsed.runId !== runId || parsed.index !== index || typeof parsed.result !== 'object' || parsed.result === null) {
    throw new Error(`the result stored for job ${jobIdOf(runId, index)} does not belong to it`);
  }
  return parsed.result;
}
