import { Hasher64 } from './hasher.ts';

/**
 * The model's event trace. Model code emits (time, kind, subject, data); every event goes into a
 * running 64-bit hash over its canonical encoding (the run's `traceHash`) and to the subscribers
 * (report builders, invariant checkers, the web UI, a JSON-lines writer). The event object is only
 * built when someone listens, so an unobserved run pays for hashing alone.
 *
 * The hash is the determinism contract: same scenario and seed, same hash, on every machine.
 */
export type TraceValue = number | string | boolean | null | readonly TraceValue[] | { readonly [key: string]: TraceValue };
export type TraceData = { readonly [key: string]: TraceValue };

export interface TraceEvent {
  readonly time: number;
  readonly kind: string;
  readonly subject: string | number;
  readonly data?: TraceData;
}

export type TraceSubscriber = (event: TraceEvent) => void;

export class Trace {
  private readonly hasher = new Hasher64();
  private readonly subscribers: TraceSubscriber[] = [];
  private emitted = 0;

  /** Events emitted so far. */
  get count(): number {
    return this.emitted;
  }

  /** Hex digest of every event emitted so far. */
  get traceHash(): string {
    return this.hasher.hex();
  }

  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  subscribe(subscriber: TraceSubscriber): () => void {
    this.subscribers.push(subscriber);
    return () => {
      const i = this.subscribers.indexOf(subscriber);
      if (i >= 0) this.subscribers.splice(i, 1);
    };
  }

  emit(time: number, kind: string, subject: string | number, data?: TraceData): void {
    this.emitted++;
    const h = this.hasher;
    h.number(time);
    h.string(kind);
    h.value(subject);
    h.value(data ?? null);
    if (this.subscribers.length === 0) return;
    const event: TraceEvent = data === undefined ? { time, kind, subject } : { time, kind, subject, data };
    for (const subscriber of this.subscribers) subscriber(event);
  }
}
