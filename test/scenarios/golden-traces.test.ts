/**
 * Golden traces: every shipped scenario (scenarios/*.yaml) run with a fixed seed must give the
 * trace hash and event count pinned in golden-traces.json. The hash covers every event of the
 * run, so any change of behaviour, however small, changes it: a changed hash is a reviewed
 * change, accepted by re-pinning with
 *
 *   npm run golden:update
 *
 * (as etcd-io/raft's datadriven tests are rewritten with `-rewrite`), which writes the new hashes
 * into golden-traces.json for the diff to show. Without the update flag the test never writes.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { formatScenarioError, parseScenario } from '../../sim/scenario/index.ts';

export const GOLDEN_SEED = 1;
export const GOLDEN_UPDATE_COMMAND = 'npm run golden:update';
const UPDATE = process.env.FLEETSIM_GOLDEN_UPDATE === '1';

const ROOT = join(import.meta.dirname, '..', '..');
const SCENARIOS = join(ROOT, 'scenarios');
const GOLDEN_FILE = join(import.meta.dirname, 'golden-traces.json');

interface Pinned {
  traceHash: string;
  traceEvents: number;
}
type GoldenFile = { seed: number; update: string; scenarios: Record<string, Pinned> };

function readGolden(): GoldenFile {
  try {
    return JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenFile;
  } catch (error) {
    if (UPDATE) return { seed: GOLDEN_SEED, update: GOLDEN_UPDATE_COMMAND, scenarios: {} };
    throw error;
  }
}

const golden = readGolden();
const files = readdirSync(SCENARIOS)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();
const measured: Record<string, Pinned> = {};

function runShipped(file: string): Pinned {
  const path = `scenarios/${file}`;
  const parsed = parseScenario(readFileSync(join(SCENARIOS, file), 'utf8'), path);
  if (!parsed.ok) throw new Error(parsed.errors.map(formatScenarioError).join('\n'));
  const run = new FleetRun(parsed.scenario, { seed: GOLDEN_SEED });
  run.runToEnd();
  return { traceHash: run.trace.traceHash, traceEvents: run.trace.count };
}

describe(`the shipped scenarios' trace hashes with seed ${GOLDEN_SEED}`, () => {
  it('pins every shipped scenario and nothing else', () => {
    if (UPDATE) return;
    const missing = files.filter((f) => golden.scenarios[f] === undefined);
    const stale = Object.keys(golden.scenarios).filter((f) => !files.includes(f));
    expect(
      { missing, stale },
      `golden-traces.json must pin exactly the files in scenarios/; accept the change with: ${GOLDEN_UPDATE_COMMAND}`,
    ).toEqual({ missing: [], stale: [] });
  });

  it.each(files)('scenarios/%s gives its pinned trace hash', (file) => {
    const got = runShipped(file);
    measured[file] = got;
    if (UPDATE) return;
    const pinned = golden.scenarios[file];
    const message =
      `scenarios/${file} with seed ${GOLDEN_SEED}: the trace changed ` +
      `(pinned ${pinned?.traceHash ?? 'nothing'} over ${pinned?.traceEvents ?? '?'} events, ` +
      `now ${got.traceHash} over ${got.traceEvents} events). ` +
      `If the behaviour change is intended, accept it with: ${GOLDEN_UPDATE_COMMAND} ` +
      `(and say why in the commit); reproduce with: npx fleetsim run scenarios/${file} --seed ${GOLDEN_SEED} --trace FILE`;
    expect(got, message).toEqual(pinned);
  });

  afterAll(() => {
    if (!UPDATE || Object.keys(measured).length !== files.length) return;
    const next: GoldenFile = { seed: GOLDEN_SEED, update: GOLDEN_UPDATE_COMMAND, scenarios: measured };
    const tmp = `${GOLDEN_FILE}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, GOLDEN_FILE);
  });
});
