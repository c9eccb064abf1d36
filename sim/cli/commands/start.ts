// `fleetsim start` (what `npm start` runs): the web UI on the default scenario
// (scenarios/default.yaml), built first when needed (web/server).

import { join, relative } from 'node:path';
import type { ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { serveCommand } from './serve.ts';

export const DEFAULT_SCENARIO = join(REPO_ROOT, 'scenarios', 'default.yaml');

export async function startCommand(io: Io): Promise<ExitCode | 'serving'> {
  // Shown relative to where the user stands, so the printed reproduce command works as typed.
  const scenario = relative(process.cwd(), DEFAULT_SCENARIO) || DEFAULT_SCENARIO;
  return serveCommand({ scenario, port: io.env.PORT }, io);
}
