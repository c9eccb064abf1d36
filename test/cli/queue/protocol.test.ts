/**
 * What travels through Redis: the --queue URL's forms and errors; the run id, a function of the
 * jobs only (same command, same id, so a restarted coordinator finds its results; any change to a
 * scenario's text, a seed or an override, another id); job ids without BullMQ's ':' separator;
 * payloads and results checked before use.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../sim/cli/exit.ts';
import type { RunJob } from '../../../sim/cli/job.ts';
import { canonicalJson, FLEETSIM_VERSION, jobIdOf, parsePayload, parseResult, PROTOCOL_VERSION, runIdOf } from '../../../sim/cli/queue/protocol.ts';
import { parseQueueUrl } from '../../../sim/cli/queue/url.ts';
import { DEFAULT_LOCK_DURATION_MS } from '../../../sim/cli/commands/worker.ts';
import { WORKER_HELP_DEFAULTS } from '../../../sim/cli/main.ts';

const job = (changes: Partial<RunJob> = {}): RunJob => ({ file: 's.yaml', text: 'name: s\n', overrides: { 'reboot.maxConcurrent': 2 }, seed: 7, ...changes });

describe('--queue URL', () => {
  it('reads redis://HOST:PORT with an optional /DB', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379, db: 0, text: 'redis://127.0.0.1:6379' });
    expect(parseQueueUrl('redis://redis.lan:6380/2')).toMatchObject({ host: 'redis.lan', port: 6380, db: 2 });
    expect(parseQueueUrl('redis://[::1]:6379/')).toMatchObject({ host: '::1', port: 6379, db: 0 });
  });

  it('refuses anything else with exit 2, naming the expected form', () => {
    for (const bad of ['127.0.0.1:6379', 'http://h:1', 'redis://h', 'redis://h:0', 'redis://h:70000', 'redis://h:1/16', 'redis://u:p@h:1', 'redis://h:1/x']) {
      let error: unknown;
      try {
        parseQueueUrl(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toMatch(/--queue: /);
    }
  });
});

describe('run id', () => {
  it('is the same for the same jobs, whatever the order of override keys', () => {
    const a = [job({ overrides: { a: 1, b: [1, { c: 2, d: 3 }] } }), job({ seed: 8 })];
    const b = [job({ overrides: { b: [1, { d: 3, c: 2 }], a: 1 } }), job({ seed: 8 })];
    expect(runIdOf(a)).toBe(runIdOf(b));
    expect(runIdOf(a)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with the scenario text, a seed, an override, the file name or the order of jobs', () => {
    const base = [job(), job({ seed: 8 })];
    const id = runIdOf(base);
    expect(runIdOf([job({ text: 'name: s2\n' }), job({ seed: 8 })])).not.toBe(id);
    expect(runIdOf([job(), job({ seed: 9 })])).not.toBe(id);
    expect(runIdOf([job({ overrides: { 'reboot.maxConcurrent': 3 } }), job({ seed: 8 })])).not.toBe(id);
    expect(runIdOf([job({ file: 't.yaml' }), job({ seed: 8 })])).not.toBe(id);
    expect(runIdOf([job({ seed: 8 }), job()])).not.toBe(id);
  });

  it('canonical JSON texts are equal exactly for deeply equal values, key order aside (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        // Independently: node's deep equality ignores key order (JSON round trip for -0).
        const same = isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
        expect(canonicalJson(a) === canonicalJson(b)).toBe(same);
        // Parsing the canonical text gives the value back (up to key order; -0 is JSON's 0).
        expect(canonicalJson(JSON.parse(canonicalJson(a)))).toBe(canonicalJson(a));
      }),
    );
  });

  it("job ids join run id and index with a dash (BullMQ's keys use ':')", () => {
    expect(jobIdOf('0123456789abcdef', 12)).toBe('0123456789abcdef-12');
  });
});

describe('payloads and results', () => {
  const payload = { v: PROTOCOL_VERSION, fleetsim: FLEETSIM_VERSION, runId: 'r', index: 3, job: job() };

  it('a payload of this protocol is accepted; anything else is refused', () => {
    expect(parsePayload(payload)).toEqual(payload);
    for (const bad of [null, 'x', { ...payload, v: 99 }, { ...payload, index: 1.5 }, { ...payload, job: { ...job(), text: 3 } }, { ...payload, fleetsim: undefined }]) {
      expect(() => parsePayload(bad)).toThrow(/not a fleetsim job/);
    }
  });

  it('a result is accepted only for its own run and index, as text or object', () => {
    const result = { ok: false, error: 'boom' };
    expect(parseResult(JSON.stringify({ runId: 'r', index: 3, result }), 'r', 3)).toEqual(result);
    expect(parseResult({ runId: 'r', index: 3, result }, 'r', 3)).toEqual(result);
    expect(() => parseResult({ runId: 'r', index: 4, result }, 'r', 3)).toThrow(/does not belong/);
    expect(() => parseResult({ runId: 'q', index: 3, result }, 'r', 3)).toThrow(/does not belong/);
  });

  it("the worker's help shows the lock duration it uses", () => {
    expect(WORKER_HELP_DEFAULTS.lockDurationMs).toBe(DEFAULT_LOCK_DURATION_MS);
  });
});
