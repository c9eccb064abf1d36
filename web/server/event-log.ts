// The session's view of the trace: events for the browser's log, rate-limited per tick (a reboot
// storm emits thousands of node events a second; the log shows a sample and counts the rest),
// and a ring of recent node events for the node inspector. It only reads the events it is given.

import type { TraceEvent } from '../../sim/engine/trace.ts';
import type { TraceLine } from '../shared/protocol.ts';

/** Fleet-level events (faults, etcd, the server, operators) kept per tick before dropping. */
export const FLEET_EVENTS_PER_TICK = 200;
/** Per-node events kept per tick: the rest of a storm is counted, not sent. */
export const NODE_EVENTS_PER_TICK = 100;
/** Recent node events remembered for the inspector. */
export const NODE_RING_SIZE = 32_768;
/** Events the inspector shows for one node. */
export const NODE_EVENTS_SHOWN = 12;

export class EventLog {
  private pending: TraceLine[] = [];
  private fleetCount = 0;
  private nodeCount = 0;
  private dropped = 0;
  private readonly ring: (TraceEvent | undefined)[] = new Array(NODE_RING_SIZE);
  private ringNext = 0;
  /** False while a seek replays history the browser already has. */
  logging = true;

  readonly listener = (event: TraceEvent): void => {
    const isNode = event.kind.startsWith('node.') && typeof event.subject === 'number';
    if (isNode) {
      this.ring[this.ringNext] = event;
      this.ringNext = (this.ringNext + 1) % NODE_RING_SIZE;
    }
    if (!this.logging) return;
    if (isNode ? this.nodeCount++ < NODE_EVENTS_PER_TICK : this.fleetCount++ < FLEET_EVENTS_PER_TICK) {
      this.pending.push(toLine(event));
    } else {
      this.dropped++;
    }
  };

  /** The events gathered since the last call, and how many were dropped. */
  take(): { events: TraceLine[]; dropped: number } | null {
    if (this.pending.length === 0 && this.dropped === 0) return null;
    const out = { events: this.pending, dropped: this.dropped };
    this.pending = [];
    this.dropped = 0;
    this.fleetCount = 0;
    this.nodeCount = 0;
    return out;
  }

  /** The node's most recent events still in the ring, oldest first. */
  recentFor(node: number): TraceLine[] {
    const found: TraceLine[] = [];
    for (let k = 1; k <= NODE_RING_SIZE && found.length < NODE_EVENTS_SHOWN; k++) {
      const event = this.ring[(this.ringNext - k + NODE_RING_SIZE) % NODE_RING_SIZE];
      if (event === undefined) break;
      if (event.subject === node) found.push(toLine(event));
    }
    return found.reverse();
  }

  clear(): void {
    this.pending = [];
    this.dropped = 0;
    this.fleetCount = 0;
    this.nodeCount = 0;
    this.ring.fill(undefined);
    this.ringNext = 0;
  }
}

function toLine(event: TraceEvent): TraceLine {
  return event.data === undefined
    ? { time: event.time, kind: event.kind, subject: event.subject }
    : { time: event.time, kind: event.kind, subject: event.subject, data: event.data };
}
