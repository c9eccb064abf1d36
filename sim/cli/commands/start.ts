// `fleetsim start` (what `npm start` runs): the web UI on the default scenario
// (scenarios/default.yaml), built first when needed (web/server).

import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { serveCommand } from './serve.ts';

export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../../scenarios/default.yaml', import.meta.url));

export async function startCommand(io: Io): Promise<ExitCode | 'serving'> {
  // Shown relative to where the user stands, so the printed reproduce command works as typed.
  const scenario = relative(process.cwd(), DEFAULT_SCENARIO) || DEFAULT_SCENARIO;
  return serveCommand({ scenario, port: io.env.PORT }, io);
}
