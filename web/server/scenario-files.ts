// The scenario files the UI offers: the files of one directory (scenarios/), by name. A name is a
// file name from the listing, never a path, so a browser cannot read anything else.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const SCENARIO_FILE = /\.(ya?ml|json)$/;
/** Larger files are not offered (the UI loads a scenario over one WebSocket message). */
export const SCENARIO_FILE_BYTES_MAX = 1_000_000;

export interface ScenarioFile {
  /** File name without the extension, as the picker shows it. */
  name: string;
  file: string;
  sizeBytes: number;
}

export class ScenarioFiles {
  constructor(
    readonly directory: string,
    /** An extra file (`fleetsim serve --scenario FILE`) offered first, under its base name. */
    private readonly extraFile: string | null = null,
  ) {}

  list(): ScenarioFile[] {
    const files: ScenarioFile[] = [];
    const seen = new Set<string>();
    const add = (path: string) => {
      const name = basename(path).replace(SCENARIO_FILE, '');
      if (seen.has(name)) return;
      const sizeBytes = statSync(path).size;
      if (sizeBytes > SCENARIO_FILE_BYTES_MAX) return;
      seen.add(name);
      files.push({ name, file: path, sizeBytes });
    };
    if (this.extraFile !== null) add(this.extraFile);
    let entries: string[] = [];
    try {
      entries = readdirSync(this.directory).filter((f) => SCENARIO_FILE.test(f)).sort();
    } catch {
      // No scenarios directory: only the extra file, if any.
    }
    for (const entry of entries) add(join(this.directory, entry));
    return files;
  }

  /** The text of a listed scenario, or null when no such name is listed. */
  read(name: string): { name: string; file: string; text: string } | null {
    const file = this.list().find((f) => f.name === name);
    if (file === undefined) return null;
    return { name: file.name, file: file.file, text: readFileSync(file.file, 'utf8') };
  }

  /** The scenario a new session opens. */
  defaultName(): string | null {
    const files = this.list();
    return files.find((f) => f.file === this.extraFile)?.name ?? files.find((f) => f.name === 'default')?.name ?? files[0]?.name ?? null;
  }
}
