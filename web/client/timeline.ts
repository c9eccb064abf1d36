// Marks under the time slider: the scenario's releases, faults and actions, the items injected in
// this session, and the checkpoints a seek back starts from. A click on a mark seeks to it.

import type { InjectedItem, TimelineMark } from '../shared/protocol.ts';
import { formatDuration } from './format.ts';

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export class Timeline {
  private horizonMs = 1;
  private marks: TimelineMark[] = [];
  private key = '';

  constructor(
    private readonly element: HTMLElement,
    seek: (timeMs: number) => void,
  ) {
    element.addEventListener('click', (event) => {
      const target = (event.target as HTMLElement).closest<HTMLElement>('[data-at]');
      if (target !== null) seek(Number(target.dataset.at));
    });
  }

  load(horizonMs: number, marks: TimelineMark[]): void {
    this.horizonMs = Math.max(1, horizonMs);
    this.marks = marks;
    this.key = '';
  }

  /** Redraws when the injected items or checkpoints changed. */
  update(injected: readonly InjectedItem[], checkpoints: readonly number[]): void {
    const key = `${injected.length}:${injected.at(-1)?.at ?? ''}|${checkpoints.join(',')}`;
    if (key === this.key) return;
    this.key = key;
    const left = (t: number) => `${((100 * Math.min(t, this.horizonMs)) / this.horizonMs).toFixed(3)}%`;
    const items: string[] = [];
    for (const c of checkpoints) items.push(`<span class="mark checkpoint" style="left:${left(c)}" title="checkpoint at ${formatDuration(c)}: seeks start here"></span>`);
    for (const m of this.marks) {
      const width = m.untilMs === undefined ? '' : `;width:${left(m.untilMs - m.atMs)}`;
      items.push(`<span class="mark ${m.kind}" data-at="${m.atMs}" style="left:${left(m.atMs)}${width}" title="${escape(`${formatDuration(m.atMs)}: ${m.label}`)}"></span>`);
    }
    for (const i of injected) {
      const label = String(i.item.kind ?? i.item.do);
      items.push(`<span class="mark injected ${i.kind}" data-at="${i.at}" style="left:${left(i.at)}" title="${escape(`${formatDuration(i.at)}: ${label} (injected)`)}"></span>`);
    }
    this.element.innerHTML = items.join('');
  }
}
