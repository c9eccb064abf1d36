// `fleetsim start` (what `npm start` runs): the web UI on the default scenario once it exists;
// until then, a headless run of scenarios/default.yaml with its summary, so that a fresh clone
// shows something real after `npm install && npm start`.

import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { runCommand } from './run.ts';
import { serveCommand, webServerAvailable } from './serve.ts';

export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../../scenarios/default.yaml', import.meta.url));

export async function startCommand(io: Io): Promise<ExitCode | 'serving'> {
  // Shown relative to where the user stands, so the printed reproduce command works as typed.
  const scenario = relative(process.cwd(), DEFAULT_SCENARIO) || DEFAULT_SCENARIO;
  if (webServerAvailable()) return serveCommand({ scenario, port: io.env.PORT }, io);
  io.stderr.write(`fleetsim start: the web UI is not built yet; running ${scenario} headless\n`);
  return runCommand(scenario, {}, io).exitCode;
}
