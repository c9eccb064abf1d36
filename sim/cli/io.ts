// The process's streams and environment as the commands see them, so that a command's output
// goes where the contract says (docs/cli.md: errors to stderr, machine-readable output to stdout)
// and the style follows the stream it is written to.

import { performance } from 'node:perf_hooks';
import { styleFor, type Style } from './style.ts';

export interface OutStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Wall clock in ms (only sim/cli may read it). */
  nowMs(): number;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, nowMs: () => performance.now() };
}

export function styleOf(io: Io, stream: OutStream): Style {
  return styleFor(stream, io.env);
}
