#!/usr/bin/env node
// fleetsim's command line. It runs the build that `npm install` made (bin/build.js, dist/cli-*),
// rebuilt here first when a source changed since, so no TypeScript is compiled at run time.
// FLEETSIM_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (the tests compare the
// two: same trace hash).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);

// `fleetsim --version` alone needs nothing but package.json: answered here, without checking the
// build or loading it (commander would print the same line; test/bin/fleetsim.test.ts compares).
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${manifest.version}\n`);
} else {
  // A reader that stops early (`fleetsim ... | head`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }

  let main;
  if (process.env.FLEETSIM_FROM_SOURCE === '1') {
    const { register } = await import('tsx/esm/api');
    register();
    main = await import('../sim/cli/main.ts');
  } else {
    const { ensureBuilt } = await import('./build.js');
    main = await import(pathToFileURL(join(await ensureBuilt(), 'main.js')).href);
  }
  await main.runMain();
}
