// `fleetsim serve`: the web UI (web/server). web/server/index.ts exports
// `startServer({port, host, scenarioPath})`; serve loads it on demand, so the other commands
// (and CI runs of them) do not pay for express, ws and vite.

import { parseIntegerOption } from '../args.ts';
import { badInput, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { loadScenario } from '../load.ts';
import { RUNNING_BUILT } from '../repo-root.ts';

// The build has the server as its own entry (dist/cli/web-server.js, next to this chunk).
export const WEB_SERVER_MODULE = RUNNING_BUILT ? new URL('./web-server.js', import.meta.url) : new URL('../../../web/server/index.ts', import.meta.url);
export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

export interface ServeOptions {
  port?: string;
  host?: string;
  scenario?: string;
}

export interface StartServerOptions {
  port: number;
  host: string;
  scenarioPath: string | null;
}

/** 'serving': the server holds the process open; the caller must not exit. */
export async function serveCommand(options: ServeOptions, io: Io): Promise<ExitCode | 'serving'> {
  const port = options.port === undefined ? DEFAULT_PORT : parseIntegerOption('--port', options.port, 0, 65_535);
  const host = options.host ?? DEFAULT_HOST;
  if (options.scenario !== undefined) loadScenario(options.scenario);
  const module = (await import(WEB_SERVER_MODULE.href)) as { startServer?: unknown };
  if (typeof module.startServer !== 'function') {
    throw badInput('fleetsim serve: web/server/index.ts does not export startServer({port, host, scenarioPath})');
  }
  const start = module.startServer as (o: StartServerOptions) => unknown;
  await start({ port, host, scenarioPath: options.scenario ?? null });
  io.stderr.write(`fleetsim serve: http://${host.includes(':') ? `[${host}]` : host}:${port}/\n`);
  return 'serving';
}
