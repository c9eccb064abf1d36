// `run --trace FILE`: the run's event trace as JSON lines ({"time","kind","subject","data"} per
// line, in emission order), streamed to a temporary file while the run goes and renamed into
// place at the end.

import type { Trace, TraceEvent } from '../engine/trace.ts';
import { AtomicFile } from './files.ts';

export class TraceFileWriter {
  private readonly file: AtomicFile;
  private readonly unsubscribe: () => void;
  /** Events emitted before the writer was attached (they are in the hash, not in the file). */
  readonly missed: number;
  lines = 0;

  constructor(path: string, trace: Trace) {
    this.file = new AtomicFile(path);
    this.missed = trace.count;
    this.unsubscribe = trace.subscribe((event: TraceEvent) => {
      this.file.write(`${JSON.stringify(event)}\n`);
      this.lines++;
    });
  }

  commit(): void {
    this.unsubscribe();
    this.file.commit();
  }

  abort(): void {
    this.unsubscribe();
    this.file.abort();
  }
}
