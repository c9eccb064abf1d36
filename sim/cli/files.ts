// Files: reading scenarios, collecting them from directories, and writing outputs atomically.
// An output file is written to a temporary file in the same directory and renamed over the
// target at the end, so a reader (a CI artifact upload, a dashboard) never sees half a report,
// and a run that crashes leaves the previous file as it was.

import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { badInput, CliError, EXIT_BAD_INPUT } from './exit.ts';

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Reads a scenario file's text; a missing or unreadable file is bad input. */
export function readScenarioText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw badInput(`${path}: cannot read the file (${describeFsError(error)})`);
  }
}

/**
 * Expands the arguments of `check`: a file stays as written; a directory gives every .yaml, .yml
 * and .json file directly inside it, sorted by name (not recursive: a scenario directory may
 * hold fixtures of its own in subdirectories). A path listed twice is checked once.
 */
export function collectScenarioFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      problems.push(`${path}: cannot read (${describeFsError(error)})`);
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const found = readdirSync(path)
      .filter((name) => SCENARIO_EXTENSIONS.includes(extname(name).toLowerCase()))
      .sort()
      .map((name) => join(path, name))
      .filter((file) => statSync(file).isFile());
    if (found.length === 0) problems.push(`${path}: no scenario files (${SCENARIO_EXTENSIONS.join(', ')}) in this directory`);
    files.push(...found);
  }
  if (problems.length > 0) throw new CliError(problems, EXIT_BAD_INPUT);
  return [...new Set(files)];
}

/**
 * Refuses, before any work is done, to overwrite an existing output file unless --force was
 * given: a report or trace from an earlier run is evidence, and losing it to a repeated command
 * line is worse than one more flag. `-` (stdout) is always allowed.
 */
export function assertWritable(path: string, flag: string, force: boolean): void {
  if (path === '-') return;
  const dir = dirname(path);
  if (!existsSync(dir)) throw badInput(`${flag} ${path}: the directory ${dir} does not exist`);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) throw badInput(`${flag} ${path}: is a directory`);
  if (!force) throw badInput(`${flag} ${path}: the file exists; pass --force to overwrite it`);
}

/** Bytes buffered before a write to disk; bounds memory when a trace has millions of lines. */
const FLUSH_BYTES = 1 << 16;

/**
 * A file written through a temporary sibling and renamed into place by `commit()`; `abort()`
 * (or a crash) leaves the target untouched. Writes are synchronous and buffered: the simulation
 * runs on this thread, so a slow disk slows the run instead of growing a queue without bound.
 */
export class AtomicFile {
  private readonly tempPath: string;
  private fd: number | null;
  private buffer = '';

  constructor(readonly path: string) {
    // Same directory, so rename() is atomic (same file system); the pid keeps two processes apart.
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.fd = openSync(this.tempPath, 'w');
  }

  write(text: string): void {
    if (this.fd === null) throw new Error(`AtomicFile ${this.path}: write after commit or abort`);
    this.buffer += text;
    if (this.buffer.length >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.fd === null || this.buffer === '') return;
    writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  commit(): void {
    this.flush();
    if (this.fd === null) throw new Error(`AtomicFile ${this.path}: commit twice`);
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.tempPath, this.path);
  }

  abort(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    try {
      unlinkSync(this.tempPath);
    } catch {
      // Already gone: nothing to clean up.
    }
  }
}

/** Writes a whole text atomically (or to stdout for `-`). */
export function writeOutput(path: string, text: string): void {
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  const file = new AtomicFile(path);
  try {
    file.write(text);
    file.commit();
  } catch (error) {
    file.abort();
    throw error;
  }
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return typeof code === 'string' ? code : String(error);
}
