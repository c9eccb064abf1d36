// `fleetsim import FILE... [-o OUT.yaml|OUT.json] [--nodes N] [-f]`: a scenario from real
// configuration (kured, Zincati, locksmith, airlock, Nebraska, kubectl; sim/cli/import/). Each
// file's kind is read from its content; the values of all of them combine into one scenario
// that is validated before it is written (atomically, never over a file without --force), with
// each value's source. Settings that cannot be mapped are listed on stderr. Exit 0; 2 on input
// that cannot be read or imported (located: file:line: message).

import { extname } from 'node:path';
import { formatScenarioError, parseScenario } from '../../scenario/index.ts';
import { parseIntegerOption } from '../args.ts';
import { badInput, CliError, EXIT_BAD_INPUT, EXIT_OK, type ExitCode } from '../exit.ts';
import { assertWritable, readScenarioText, writeOutput } from '../files.ts';
import { combine } from '../import/combine.ts';
import { importFile } from '../import/detect.ts';
import { formatSource, ImportError, type Fragment } from '../import/fragment.ts';
import { renderJson, renderYaml } from '../import/render.ts';
import type { Io } from '../io.ts';

export interface ImportOptions {
  output?: string;
  nodes?: string;
  force?: boolean;
}

export function importCommand(files: readonly string[], options: ImportOptions, io: Io): ExitCode {
  const output = options.output ?? '-';
  const json = output !== '-' && extname(output).toLowerCase() === '.json';
  if (output !== '-' && !['.yaml', '.yml', '.json'].includes(extname(output).toLowerCase())) {
    throw badInput(`-o ${output}: expected a .yaml, .yml or .json file name (or - for stdout)`);
  }
  assertWritable(output, '-o', options.force === true);
  const nodes = options.nodes === undefined ? null : parseIntegerOption('--nodes', options.nodes, 1, 10_000_000);

  const fragments: Fragment[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const text = readScenarioText(file);
    try {
      fragments.push(importFile(text, file));
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      errors.push(error.message);
    }
  }
  if (errors.length > 0) throw new CliError(errors, EXIT_BAD_INPUT);
  if (nodes !== null && fragments.some((f) => f.groups.length > 0)) {
    throw badInput('--nodes: a node list (kubectl) gives the fleet already; leave --nodes out');
  }

  const combined = combine(fragments, files, nodes);
  const text = json ? renderJson(combined) : renderYaml(combined);
  // The scenario must load as written, or the import is a bug (or a value its tool would take
  // and fleetsim does not): the errors name the output's lines, and the import fails.
  const parsed = parseScenario(text, output === '-' ? 'imported scenario' : output);
  if (!parsed.ok) {
    throw new CliError(['the imported scenario does not validate:', ...parsed.errors.map(formatScenarioError), 'nothing was written'], EXIT_BAD_INPUT);
  }
  for (const f of fragments) io.stderr.write(`read ${f.kind}\n`);
  for (const note of combined.notes) io.stderr.write(`${note}\n`);
  if (combined.unmapped.length > 0) {
    io.stderr.write(`${combined.unmapped.length} settings not mapped:\n`);
    for (const u of combined.unmapped) io.stderr.write(`  ${formatSource(u.source)}: ${u.message}\n`);
  }
  if (output === '-') io.stdout.write(text);
  else {
    writeOutput(output, text);
    io.stderr.write(`wrote ${output}: ${parsed.scenario.fleet.groups.reduce((n, g) => n + g.nodes, 0)} nodes, agent ${parsed.scenario.reboot.agent}\n`);
  }
  return EXIT_OK;
}
