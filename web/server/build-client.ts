// The browser client is built with vite into dist/client. `fleetsim serve`/`start` build it
// when it is missing or older than its sources (web/client, web/shared, vite.config.ts), so a
// fresh clone needs nothing but `npm start`.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../sim/cli/repo-root.ts';

export { REPO_ROOT };
export const CLIENT_OUT_DIR = join(REPO_ROOT, 'dist', 'client');
const SOURCES = [join(REPO_ROOT, 'web', 'client'), join(REPO_ROOT, 'web', 'shared'), join(REPO_ROOT, 'vite.config.ts')];
/** Files looked at when deciding whether to rebuild (a bound, not an expectation). */
const SOURCE_FILES_MAX = 10_000;

function newestMtimeMs(paths: readonly string[]): number {
  let newest = 0;
  let seen = 0;
  const visit = (path: string) => {
    if (!existsSync(path) || ++seen > SOURCE_FILES_MAX) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

/** True when dist/client/index.html is missing or older than a source file. */
export function clientIsStale(): boolean {
  const index = join(CLIENT_OUT_DIR, 'index.html');
  if (!existsSync(index)) return true;
  return statSync(index).mtimeMs < newestMtimeMs(SOURCES);
}

/** Builds the client with vite (vite.config.ts) when stale; returns true when it built. */
export async function ensureClientBuilt(log: (line: string) => void, force = false): Promise<boolean> {
  if (!force && !clientIsStale()) return false;
  log('fleetsim: building the web client (vite)...');
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
