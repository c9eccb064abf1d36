// Progress on a terminal: one line on stderr, redrawn in place, never on a pipe or CI log (the
// command decides; see ProgressLine.enabled). The text is a pure function of the numbers, so it
// is tested without a terminal.

import { formatCount, formatDurationShort } from './format.ts';

export interface RunProgress {
  simMs: number;
  horizonMs: number;
  events: number;
  wallMs: number;
}

const BAR_WIDTH = 24;

/** An ETA is a guess: whole seconds are all it can honestly claim. */
const roundSeconds = (ms: number) => Math.round(ms / 1000) * 1000;

function bar(fraction: number, ascii: boolean): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * BAR_WIDTH);
  return ascii ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]` : `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

/** `[#####---] 45.0%  21h 36m / 2d  1,200,000 events/s  ETA 3s` */
export function formatRunProgress(p: RunProgress, ascii = false): string {
  const fraction = p.horizonMs > 0 ? p.simMs / p.horizonMs : 1;
  const rate = p.wallMs > 0 ? (p.events * 1000) / p.wallMs : 0;
  // ETA assumes the remaining simulated time costs what the elapsed did (wall per sim ms).
  const eta = fraction > 0 && fraction < 1 ? (p.wallMs * (1 - fraction)) / fraction : 0;
  return `${bar(fraction, ascii)} ${(fraction * 100).toFixed(1).padStart(5)}%  ${formatDurationShort(p.simMs)} / ${formatDurationShort(p.horizonMs)}  ${formatCount(Math.round(rate))} events/s  ETA ${formatDurationShort(roundSeconds(eta))}`;
}

/**
 * `[#####---] 12/40 runs  ETA 3s` for check, sweep, fuzz and search. `doneAtStart` runs were done
 * before `wallMs` started (a resumed queue run): the rate, hence the ETA, is over the others.
 */
export function formatBatchProgress(done: number, total: number, wallMs: number, ascii = false, doneAtStart = 0): string {
  const fraction = total > 0 ? done / total : 1;
  const doneHere = done - doneAtStart;
  const eta = doneHere > 0 && done < total ? (wallMs * (total - done)) / doneHere : 0;
  return `${bar(fraction, ascii)} ${done}/${total} runs  ETA ${formatDurationShort(roundSeconds(eta))}`;
}

/** Minimum wall time between redraws, so a fast run is not slowed by terminal writes. */
const REDRAW_MS = 100;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** A line redrawn in place on a TTY; a no-op when disabled. */
export class ProgressLine {
  private lastDrawMs = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    readonly enabled: boolean,
  ) {}

  update(text: string, nowMs: number, force = false): void {
    if (!this.enabled) return;
    if (!force && nowMs - this.lastDrawMs < REDRAW_MS) return;
    this.lastDrawMs = nowMs;
    // Some pseudo-terminals report 0 columns; assume the classic 80 then.
    const columns = this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 80;
    const width = Math.max(20, columns - 1);
    this.stream.write(`\r\u001b[2K${text.slice(0, width)}`);
    this.drawn = true;
  }

  /** Erases the line so that what follows starts on a clean line. */
  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }
}
