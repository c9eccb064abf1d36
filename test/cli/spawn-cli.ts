// Runs the real command (`node bin/fleetsim.js ...`) from the repository root with NO_COLOR=1,
// at most two at a time (the machine has two cores shared with other work).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'fleetsim.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const SLOTS = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function fleetsim(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return slot(
    () =>
      new Promise<CliResult>((resolve, reject) => {
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extraEnv };
        const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
  );
}
