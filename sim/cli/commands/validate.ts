// `fleetsim validate FILE...`: parses every file and prints every error of every file, each as
// `file:line:col: path: message` (stderr), and one OK line per valid file (stdout).

import { formatCount, formatDurationShort } from '../format.ts';
import { EXIT_BAD_INPUT, EXIT_OK, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { tryLoadScenario } from '../load.ts';

export function validateCommand(files: readonly string[], io: Io): ExitCode {
  let invalid = 0;
  for (const file of files) {
    const result = tryLoadScenario(file);
    if (!result.ok) {
      invalid++;
      for (const line of result.lines) io.stderr.write(`${line}\n`);
      continue;
    }
    const s = result.scenario;
    const nodes = s.fleet.groups.reduce((n, g) => n + g.nodes, 0);
    io.stdout.write(
      `${file}: OK (${s.name}: ${formatCount(nodes)} nodes in ${s.fleet.groups.length} groups, ${s.etcd.members} etcd members, ` +
        `${s.releases.length} releases, ${s.faults.length} faults, horizon ${formatDurationShort(s.duration)}, ${s.expect.length} expectations)\n`,
    );
  }
  if (invalid > 0) {
    io.stderr.write(`${invalid} of ${files.length} files invalid\n`);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}
