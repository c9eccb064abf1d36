// `run --trace FILE`: the run's event trace as JSON lines ({"time","kind","subject","data"} per
// line, in emission order), streamed to a temporary file while the run goes and renamed into
// place at the end. The writer is handed to FleetRun as its trace subscriber, so it sees every
// event from `run.start` on.

import type { TraceEvent } from '../engine/trace.ts';
import { AtomicFile } from './files.ts';

export class TraceFileWriter {
  private readonly file: AtomicFile;
  lines = 0;

  constructor(path: string) {
    this.file = new AtomicFile(path);
  }

  readonly listener = (event: TraceEvent): void => {
    this.file.write(`${JSON.stringify(event)}\n`);
    this.lines++;
  };

  commit(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }
}
