// The event log: trace events as the server sends them (rate-limited there), filtered here by
// source (faults, etcd, server, nodes, other) and text. Bounded in lines.

import type { TraceLine } from '../shared/protocol.ts';
import { formatDuration } from './format.ts';

const LINES_MAX = 600;
const KNOWN = ['fault', 'etcd', 'server', 'node'];

export class EventLog {
  private lines: TraceLine[] = [];
  private dropped = 0;
  private scheduled = false;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly droppedLabel: HTMLElement,
    private readonly checkboxes: HTMLInputElement[],
    private readonly filterInput: HTMLInputElement,
  ) {
    for (const box of checkboxes) box.addEventListener('change', () => this.render());
    filterInput.addEventListener('input', () => this.render());
  }

  add(events: TraceLine[], dropped: number): void {
    this.lines.push(...events);
    if (this.lines.length > LINES_MAX) this.lines = this.lines.slice(this.lines.length - LINES_MAX);
    this.dropped += dropped;
    this.schedule();
  }

  clear(): void {
    this.lines = [];
    this.dropped = 0;
    this.schedule();
  }

  /** Drops the lines after a time (a seek back). */
  truncateAfter(timeMs: number): void {
    this.lines = this.lines.filter((l) => l.time <= timeMs);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  private render(): void {
    const enabled = new Set(this.checkboxes.filter((b) => b.checked).map((b) => b.dataset.prefix));
    const text = this.filterInput.value.trim().toLowerCase();
    const shown = this.lines.filter((l) => {
      const prefix = l.kind.split('.')[0];
      const source = KNOWN.includes(prefix) ? prefix : 'other';
      if (!enabled.has(source)) return false;
      return text === '' || `${l.kind} ${l.subject} ${JSON.stringify(l.data ?? '')}`.toLowerCase().includes(text);
    });
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 4;
    const fragment = document.createDocumentFragment();
    for (const l of shown) {
      const li = document.createElement('li');
      li.className = l.kind.split('.')[0];
      const t = document.createElement('span');
      t.className = 't';
      t.textContent = formatDuration(l.time);
      li.append(t, `${l.kind} ${l.subject}${l.data === undefined ? '' : ` ${JSON.stringify(l.data)}`}`);
      fragment.appendChild(li);
    }
    this.list.replaceChildren(fragment);
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
    this.droppedLabel.textContent = this.dropped > 0 ? `${this.dropped.toLocaleString()} node events not shown (rate limit)` : '';
  }
}
