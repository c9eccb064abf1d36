// Where fleetsim's own files are (package.json, scenarios/, web/), found the same way whether the
// command line runs from its TypeScript sources (sim/cli/*.ts under tsx or vitest) or from the
// build that `npm install` makes (dist/cli/*.js, bin/build.js): walk up from this module to the
// directory whose package.json is fleetsim's. A path relative to import.meta.url would differ
// between the two layouts.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directories walked up at most (sim/cli/queue is 3 below the root; dist/cli is 2). */
const LEVELS_MAX = 8;

function isFleetsimRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'fleetsim';
}

export function findRepoRoot(fromFile: string): string {
  let dir = dirname(fromFile);
  for (let level = 0; level < LEVELS_MAX; level++) {
    if (isFleetsimRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`fleetsim: no package.json named fleetsim above ${fromFile}`);
}

export const REPO_ROOT = findRepoRoot(fileURLToPath(import.meta.url));

/** fleetsim's version, from its package.json. */
export const FLEETSIM_PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

declare const __FLEETSIM_BUILD__: boolean | undefined;
/**
 * True in the build (bin/build.js defines it): modules that load another entry point by URL
 * (the worker thread, the web server) pick the built file instead of the TypeScript source.
 */
export const RUNNING_BUILT = typeof __FLEETSIM_BUILD__ !== 'undefined' && __FLEETSIM_BUILD__ === true;
