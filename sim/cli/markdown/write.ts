// Writing the Markdown summary: to the --markdown file (atomically, like every output), and
// appended to `$GITHUB_STEP_SUMMARY` when GitHub Actions sets it (the job's summary page; GitHub
// docs "Adding a job summary": append, since other steps write to the same file).

import { appendFileSync } from 'node:fs';
import { badInput } from '../exit.ts';
import { assertWritable, writeOutput } from '../files.ts';
import type { Io } from '../io.ts';

/** Checked before any run, like the other outputs. */
export function assertMarkdownWritable(path: string | undefined, force: boolean): void {
  if (path === undefined) return;
  if (path === '-') throw badInput('--markdown: expected a file name (stdout holds the table)');
  assertWritable(path, '--markdown', force);
}

export function writeMarkdown(path: string, text: string, io: Io): void {
  writeOutput(path, text);
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (summary !== undefined && summary !== '') appendFileSync(summary, `${text}\n`);
}
