// What `check` prints and writes, from the verdicts: the table (stdout), the failures with the
// commands that reproduce them (stderr), JUnit XML and the check/v1 JSON. Pure. None of it holds
// wall-clock time except the JUnit `time` attributes, so the outputs compare equal across
// --workers values and machines.

import { crashesOf, type ExpectationVerdict, type ScenarioVerdict } from './check-results.ts';
import type { JUnitCase, JUnitSuite } from './junit.ts';
import { reproCommand } from './repro.ts';
import type { Style } from './style.ts';
import { formatActual } from './summary.ts';
import { renderTable } from './table.ts';

/** Reproducing commands listed per failure in the terminal; the JUnit details list them all. */
const REPRO_SHOWN = 3;
/** Bound on the commands in one JUnit failure (a scenario may run thousands of seeds). */
const REPRO_IN_JUNIT = 100;

export const CHECK_FORMAT = 'check/v1';

function seedsText(seeds: readonly number[]): string {
  return seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds.join(', ')}`;
}

function allChecks(v: ScenarioVerdict): ExpectationVerdict[] {
  return [...v.expectations, v.invariants];
}

/** scenario x expectation: result, actual, failing seeds. */
export function formatCheckTable(verdicts: readonly ScenarioVerdict[], style: Style): string {
  const rows: string[][] = [];
  for (const v of verdicts) {
    for (const e of allChecks(v)) {
      rows.push([v.name, e.expr, e.ok ? style.ok : style.fail, formatActual(e.expr, e.actual), e.ok ? '' : e.failingSeeds.join(' ')]);
    }
  }
  return renderTable(['scenario', 'expectation', 'result', 'actual', 'failing seeds'], rows);
}

/** One block per failed check: what failed, on which seeds, and how to reproduce each. */
export function formatCheckFailures(verdicts: readonly ScenarioVerdict[], style: Style): string {
  let text = '';
  for (const v of verdicts) {
    for (const e of allChecks(v)) {
      if (e.ok) continue;
      text += `${style.fail} ${v.file}: ${e.expr}: actual ${formatActual(e.expr, e.actual)}; failing ${seedsText(e.failingSeeds)}\n`;
      for (const seed of e.failingSeeds.slice(0, REPRO_SHOWN)) text += `  reproduce: ${reproCommand(v.file, seed)}\n`;
      if (e.failingSeeds.length > REPRO_SHOWN) text += `  ... and ${e.failingSeeds.length - REPRO_SHOWN} more seeds (listed in the JUnit report)\n`;
    }
    for (const crash of crashesOf(v)) {
      text += `${style.fail} ${v.file}: seed ${crash.seed} crashed: ${crash.error}\n  reproduce: ${reproCommand(v.file, crash.seed)}\n`;
    }
  }
  return text;
}

function reproLines(file: string, seeds: readonly number[]): string {
  const lines = seeds.slice(0, REPRO_IN_JUNIT).map((seed) => `reproduce: ${reproCommand(file, seed)}`);
  if (seeds.length > REPRO_IN_JUNIT) lines.push(`... and ${seeds.length - REPRO_IN_JUNIT} more seeds`);
  return lines.join('\n');
}

/** One testsuite per scenario, one testcase per expectation plus the built-in invariants case. */
export function checkToJUnit(verdicts: readonly ScenarioVerdict[], wallSeconds: readonly number[]): JUnitSuite[] {
  return verdicts.map((v, i): JUnitSuite => {
    const classname = `fleetsim.${v.name}`;
    const cases = v.expectations.map((e): JUnitCase => {
      const c: JUnitCase = { name: e.expr, classname, file: v.file };
      if (!e.ok) {
        c.failure = {
          message: `${e.expr}: actual ${formatActual(e.expr, e.actual)}; failing ${seedsText(e.failingSeeds)}`,
          type: 'expectation',
          details: `${v.file}: ${e.expr}\nactual over ${v.seeds.length} seeds: ${formatActual(e.expr, e.actual)}\n${reproLines(v.file, e.failingSeeds)}`,
        };
      }
      return c;
    });
    const inv = v.invariants;
    const invariantCase: JUnitCase = { name: inv.expr, classname, file: v.file };
    const crashes = crashesOf(v);
    if (crashes.length > 0) {
      invariantCase.error = {
        message: `${crashes.length} of ${v.seeds.length} runs crashed (${seedsText(crashes.map((c) => c.seed))})`,
        type: 'crash',
        details: crashes.map((c) => `seed ${c.seed}: ${c.error}\nreproduce: ${reproCommand(v.file, c.seed)}`).join('\n\n'),
      };
    } else if (!inv.ok) {
      invariantCase.failure = {
        message: `invariant violations on ${seedsText(inv.failingSeeds)}`,
        type: 'invariant',
        details: reproLines(v.file, inv.failingSeeds),
      };
    }
    cases.push(invariantCase);
    return {
      name: v.name,
      file: v.file,
      timeSeconds: wallSeconds[i],
      properties: [
        ['file', v.file],
        ['seeds', v.seeds.join(',')],
      ],
      cases,
    };
  });
}

export interface CheckJson {
  fleetsim: typeof CHECK_FORMAT;
  ok: boolean;
  scenarios: ScenarioVerdict[];
}

export function checkToJson(verdicts: readonly ScenarioVerdict[]): CheckJson {
  return { fleetsim: CHECK_FORMAT, ok: verdicts.every((v) => v.ok), scenarios: [...verdicts] };
}
