// main() in-process with captured streams and a fake clock (10 ms per reading): the CLI's exit
// code, stdout and stderr without spawning a process.
import type { Io } from '../../sim/cli/io.ts';
import { main } from '../../sim/cli/main.ts';

export async function cli(...argv: string[]): Promise<{ code: unknown; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let clock = 0;
  const io: Io = {
    stdout: { isTTY: false, write: (t: string) => (stdout += t) },
    stderr: { isTTY: false, write: (t: string) => (stderr += t) },
    env: { NO_COLOR: '1' },
    nowMs: () => (clock += 10),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
