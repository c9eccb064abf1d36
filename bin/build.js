#!/usr/bin/env node
// Builds the command line once, so that no TypeScript is compiled while a user waits: esbuild
// bundles sim/cli/main.ts (with its commands as lazily loaded chunks), the worker thread's entry
// and the web server into dist/cli-<stamp>/. `npm install` runs this (the `prepare` script);
// bin/fleetsim.js calls ensureBuilt() and rebuilds when a source changed since, so a developer
// never runs a stale build. Plain JavaScript: it must run before anything is compiled.
//
// The stamp is a digest of every source file's path, size and mtime (sim/, web/server/,
// web/shared/, package.json): a build directory is never rewritten, only replaced by a new one,
// so processes that are loading chunks from the old one (tests run many in parallel) are safe.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['sim', join('web', 'server'), join('web', 'shared')];
const EXTRA_FILES = ['package.json', join('bin', 'build.js')];
/** Files looked at for the stamp (a bound, not an expectation: the tree holds ~300). */
const SOURCE_FILES_MAX = 20_000;
const SOURCE_FILE = /\.(ts|js|json)$/;
/** Older builds are removed once they are this old (a process may still be loading one). */
const STALE_BUILD_AGE_MS = 10 * 60 * 1000;

/**
 * The digest of the sources' paths, sizes and mtimes: it names the build directory. Every start
 * computes it (~300 stats), so paths are joined by hand: path.join and path.relative normalise
 * each string and cost more than the system calls in a cold process.
 */
export function sourceStamp(root = ROOT) {
  const lines = [];
  const file = (relativePath) => {
    if (lines.length >= SOURCE_FILES_MAX) throw new Error(`fleetsim build: more than ${SOURCE_FILES_MAX} source files under ${root}`);
    const stat = statSync(root + sep + relativePath, { throwIfNoEntry: false });
    if (stat !== undefined) lines.push(`${relativePath}:${stat.size}:${stat.mtimeMs}`);
  };
  const dir = (relativePath) => {
    let entries;
    try {
      entries = readdirSync(root + sep + relativePath, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = relativePath + sep + entry.name;
      if (entry.isDirectory()) dir(child);
      else if (SOURCE_FILE.test(entry.name)) file(child);
    }
  };
  for (const path of SOURCE_DIRS) dir(path);
  for (const path of EXTRA_FILES) file(path);
  return digest(lines.join('\n'));
}

/**
 * 64 bits of two FNV-style passes over the text's 32-bit words, as 16 hex digits: a name, not a
 * security property. Each step is a bijection of the running value, so a change to one word
 * always changes the result. Words, not characters: this runs in V8's interpreter at this point
 * of a cold start, where a per-character loop took 6 ms and loading node:crypto 5 ms; this 0.6 ms.
 */
function digest(text) {
  const bytes = Buffer.from(text, 'utf8');
  const padded = Buffer.alloc((bytes.length + 3) & ~3);
  bytes.copy(padded);
  const words = new Int32Array(padded.buffer, padded.byteOffset, padded.length >> 2);
  let a = 0x811c9dc5 ^ bytes.length;
  let b = 0x01000193;
  for (let i = 0; i < words.length; i++) {
    a = Math.imul(a ^ words[i], 0x01000193);
    b = Math.imul(b ^ words[i], 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export function buildDir(root, stamp) {
  return join(root, 'dist', `cli-${stamp}`);
}

/**
 * Pure-JavaScript dependencies on the command line's start-up path, bundled into the build: Node
 * loads each package's files one by one otherwise (zod alone is ~60 modules, ~75 ms of a cold
 * start). Every other package stays external, loaded from node_modules as it is: the heavy or
 * optional ones (express, ws, bullmq, ioredis), d3 (read as a file to inline in HTML pages), and
 * the build and test tools.
 */
export const BUNDLED_PACKAGES = ['zod', 'yaml', 'commander', 'seedrandom', 'xstate', 'smol-toml'];

function externalPackages(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
  return names.filter((name) => !BUNDLED_PACKAGES.includes(name)).flatMap((name) => [name, `${name}/*`]);
}

/**
 * zod re-exports every one of its ~50 locales (`z.locales`, 366 kB of the bundle) though it only
 * ever configures English; fleetsim's messages are its own. The build keeps `locales.en` alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-english-only' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

async function bundle(root, outdir) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: root,
    entryPoints: {
      main: 'sim/cli/main.ts',
      'job-worker': 'sim/cli/job-worker.ts',
      'web-server': 'web/server/index.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: externalPackages(root),
    plugins: [zodEnglishOnly],
    // The bundled CommonJS packages (seedrandom) call require() for Node's modules: an ES module
    // has none, so every file gets one.
    banner: { js: "import { createRequire as __fleetsimCreateRequire } from 'node:module'; const require = __fleetsimCreateRequire(import.meta.url);" },
    // Flat: chunks next to the entries, so `new URL('./job-worker.js', import.meta.url)` works
    // from any chunk (sim/cli/repo-root.ts RUNNING_BUILT).
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    define: { __FLEETSIM_BUILD__: 'true' },
    logLevel: 'warning',
  });
}

function pruneOldBuilds(root, keep) {
  const dist = join(root, 'dist');
  if (!existsSync(dist)) return;
  for (const entry of readdirSync(dist)) {
    const path = join(dist, entry);
    const isBuild = entry.startsWith('cli-') || entry.startsWith('.cli-tmp-');
    if (!isBuild || path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_BUILD_AGE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/**
 * The directory of an up-to-date build (its main.js exports runMain), building it when the sources
 * changed. Concurrent callers may both build; the first rename wins and the other's copy is dropped.
 */
export async function ensureBuilt(root = ROOT) {
  const dir = buildDir(root, sourceStamp(root));
  if (existsSync(join(dir, 'main.js'))) return dir;
  const tmp = join(root, 'dist', `.cli-tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    await bundle(root, tmp);
    try {
      renameSync(tmp, dir);
    } catch (error) {
      if (!existsSync(join(dir, 'main.js'))) throw error;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  pruneOldBuilds(root, dir);
  return dir;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const dir = await ensureBuilt();
  process.stderr.write(`fleetsim: command line built in ${relative(ROOT, dir)} (${Math.round(performance.now() - started)} ms)\n`);
}
