#!/usr/bin/env node
// fleetsim's command line. Plain JavaScript so that `npx fleetsim` works right after
// `npm install`, with no build step: tsx compiles the TypeScript sources as they are imported.
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../sim/cli/main.ts');
await runMain();
