// The batch commands' shared flags as commander declares them (check, sweep, search, fuzz);
// batch-options.ts parses them. Apart from the parser so that main.ts, which declares every
// command, loads no batch machinery (worker pool, queue client) to print --help.

import type { Command } from 'commander';
import { MAX_WORKERS } from './limits.ts';

const QUEUE_HELP = 'send the runs to a BullMQ queue in Redis at redis://HOST:PORT[/DB], served by `fleetsim worker` processes on any machine, and collect the results (same output as a local run; rerun the same command to resume). See docs/distributed.md';

/**
 * Declares --seeds, --seed-base, --workers and --queue on a batch command, with its own words
 * for the seeds (what one seed is per: a scenario, a combination) and whether --seeds is required.
 */
export function addBatchOptions(command: Command, seeds: { help: string; required: boolean; seedBaseHelp: string }): Command {
  if (seeds.required) command.requiredOption('--seeds <n>', seeds.help);
  else command.option('--seeds <n>', seeds.help);
  return command
    .option('--seed-base <s>', seeds.seedBaseHelp)
    .option('--workers <n>', `worker threads, 1-${MAX_WORKERS} (default: the number of cores); results never depend on it`)
    .option('--queue <url>', QUEUE_HELP);
}
