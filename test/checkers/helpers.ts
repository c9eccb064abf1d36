// Builds runs for checker tests: a scenario from YAML, the run not yet started, so that a test
// can break one instance of the model (a mutation used only there) before it runs.
import { FleetRun } from '../../sim/run/fleet-run.ts';
import type { InvariantViolation } from '../../sim/report/report.ts';
import { scenarioFrom } from '../run/helpers.ts';
import type { CheckedRun } from '../../sim/checkers/context.ts';
import { Violations } from '../../sim/checkers/violations.ts';
import { Trace } from '../../sim/engine/trace.ts';
import { VersionTable } from '../../sim/model/server/versions.ts';

export function prepare(yaml: string, seed?: number): FleetRun {
  return new FleetRun(scenarioFrom(yaml), seed === undefined ? {} : { seed });
}

export function violationsOf(run: FleetRun, checker: string): InvariantViolation[] {
  return run.report().invariants.list.filter((v) => v.checker === checker);
}

export const rollout = (strategy: string, extra = '', nodes = 30) => `
name: checked
duration: 1d
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: ${strategy}, maxConcurrent: 1}
${extra}
`;

/**
 * A checker on a stand-in run, for the readings the real model never produces on its own (a boot
 * of the wrong slot, a leader without a term, a commit of another term at an index): a real
 * Trace the test emits into by hand, and a world, scenario and fault record reduced to the fields
 * the checker reads. Each test writes its expected messages out by hand. `messages()` lists the
 * violations as `time message`.
 */
export function standIn(parts: { world?: object; scenario?: object; faults?: object }): { run: CheckedRun; trace: Trace; messages: () => string[] } {
  const trace = new Trace();
  const violations = new Violations();
  const run = { world: parts.world ?? {}, scenario: parts.scenario ?? {}, faults: parts.faults ?? {}, trace, violations } as unknown as CheckedRun;
  return { run, trace, messages: () => violations.list.map((v) => `${v.time} ${v.message}`) };
}

/** A version table of the given names, the first the fleet's initial version (index 0). */
export function versionsOf(...names: string[]): VersionTable {
  const table = new VersionTable(names[0]);
  for (const name of names.slice(1)) table.add(name);
  return table;
}
