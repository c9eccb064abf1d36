import { assert, fail } from './assert.ts';
import { asDoubleFields } from './representation.ts';
import { EventQueue, type EventHandle } from './event-queue.ts';

/**
 * The discrete-event simulation: one clock, one loop over events ordered by (time, priority,
 * sequence), as in SimPy's core.
 *
 * Priorities, for events of the same time (SimPy has URGENT and NORMAL):
 * - URGENT, the zero-time phase: what an event's handler causes in the node machines is delivered
 *   before the handler returns, first in, first out (the world's outbox, drained at the end of
 *   every handler that touches a machine: sim/model/world/outbox.ts). Nothing else runs between.
 * - NORMAL: model events (`scheduleAt`, `callAt`): timers, messages, answers.
 * - LATE (`callAtLate`): the scenario's timeline, faults and operator actions. An item at T runs
 *   after every NORMAL event at T, including those that events at T schedule at T, so that an
 *   injection lands on a settled instant (and a session exported with its injections replays to
 *   the same trace hash). Rare: a sorted array, not the heap; not cancellable.
 *
 * Hot-path events are numeric: a handler registered once per kind receives (target, arg), so the
 * queue stores three numbers and no closure. Rare events (operator actions, xstate actors on the
 * simulated clock) may schedule closures; they share the same queue and ordering.
 *
 * Like SimPy's core, it is a loop that pops the earliest event and runs it; `runUntil` and
 * `runFor` bound the loop by time, `pause()` stops it between two events (the web UI plays in
 * bursts), and `maxEvents` bounds the whole run so that a scenario that never settles stops with
 * a clear message instead of spinning.
 */
export type EventHandler = (target: number, arg: number) => void;
export type EventKind = number;

export interface SimulationOptions {
  /** Events a run may execute before it stops with EventLimitError. */
  maxEvents?: number;
  /** Pending events the queue may hold before it stops with QueueFullError. */
  maxPendingEvents?: number;
  initialQueueCapacity?: number;
}

export type RunOutcome = 'reached' | 'paused' | 'idle';

export class EventLimitError extends Error {
  override name = 'EventLimitError';
  constructor(
    readonly maxEvents: number,
    readonly timeMs: number,
  ) {
    super(
      `the run stopped at its event bound: ${maxEvents.toLocaleString('en-US')} events executed ` +
        `by simulated time ${timeMs} ms; the scenario may never settle (a retry loop without ` +
        `backoff?) or needs a larger limits.maxEvents`,
    );
  }
}

const KIND_CALLBACK = 0;
export const DEFAULT_MAX_EVENTS = 50_000_000;

export class Simulation {
  private readonly queue: EventQueue;
  private readonly handlers: EventHandler[] = [];
  private readonly handlerNames: string[] = [];
  private readonly callbacks: (((() => void) | undefined))[] = [];
  private readonly freeCallbacks: number[] = [];
  /** LATE events by (time, sequence): sorted, consumed from `lateHead`. */
  private readonly late: { timeMs: number; fn: () => void }[] = [];
  private lateHead = 0;
  /** Time of the next LATE event, Infinity when none (read on every step). */
  private lateTimeMs = Infinity;
  private currentTime = 0;
  private pauseRequested = false;
  private executed = 0;
  readonly maxEvents: number;

  constructor(options: SimulationOptions = {}) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    assert(this.maxEvents > 0, 'maxEvents must be positive');
    this.queue = new EventQueue(options.initialQueueCapacity ?? 1024, options.maxPendingEvents);
    this.handlers.push(this.runCallback);
    this.handlerNames.push('callback');
    asDoubleFields(this, 'currentTime', 'lateTimeMs');
  }

  /** Current simulated time in ms. */
  get now(): number {
    return this.currentTime;
  }

  /** Events executed so far. */
  get eventsExecuted(): number {
    return this.executed;
  }

  get pendingEvents(): number {
    return this.queue.size + this.late.length - this.lateHead;
  }

  /** Time of the next pending event, Infinity when none. */
  get nextEventTime(): number {
    return Math.min(this.queue.peekTime(), this.lateTimeMs);
  }

  /** Registers a handler for a kind of numeric event; returns the kind to schedule with. */
  register(name: string, handler: EventHandler): EventKind {
    if (this.handlerNames.includes(name)) fail(`event kind "${name}" is registered twice`);
    this.handlers.push(handler);
    this.handlerNames.push(name);
    return this.handlers.length - 1;
  }

  kindName(kind: EventKind): string {
    return this.handlerNames[kind] ?? `unknown(${kind})`;
  }

  // The schedule calls are the hot path of every model: they test first and build their
  // messages only on failure.
  scheduleAt(timeMs: number, kind: EventKind, target = 0, arg = 0): EventHandle {
    if (!(timeMs >= this.currentTime)) this.rejectTime(timeMs);
    if (!(kind > 0 && kind < this.handlers.length)) throw new RangeError(`unknown event kind ${kind}`);
    return this.queue.push(timeMs, kind, target, arg);
  }

  scheduleAfter(delayMs: number, kind: EventKind, target = 0, arg = 0): EventHandle {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be >= 0, got ${delayMs}`);
    return this.scheduleAt(this.currentTime + delayMs, kind, target, arg);
  }

  /**
   * scheduleAfter() for events a fixed delay after now that are mostly cancelled before they
   * run (request timeouts): the same order as scheduleAfter, without the heap's work while the
   * delays the callers pass keep the times non-decreasing (EventQueue.pushFifo).
   */
  scheduleAfterFifo(delayMs: number, kind: EventKind, target = 0, arg = 0): EventHandle {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be >= 0, got ${delayMs}`);
    if (!(kind > 0 && kind < this.handlers.length)) throw new RangeError(`unknown event kind ${kind}`);
    return this.queue.pushFifo(this.currentTime + delayMs, kind, target, arg);
  }

  private rejectTime(timeMs: number): never {
    throw new RangeError(`cannot schedule in the past: ${timeMs} < now ${this.currentTime}`);
  }

  /** Schedules a closure; for rare events only (each costs an allocation). */
  callAt(timeMs: number, fn: () => void): EventHandle {
    if (!(timeMs >= this.currentTime)) fail(`cannot schedule in the past: ${timeMs} < now ${this.currentTime}`);
    const index = this.freeCallbacks.length > 0 ? this.freeCallbacks.pop()! : this.callbacks.length;
    this.callbacks[index] = fn;
    return this.queue.push(timeMs, KIND_CALLBACK, index, 0);
  }

  callAfter(delayMs: number, fn: () => void): EventHandle {
    if (!(delayMs >= 0)) fail(`delay must be >= 0, got ${delayMs}`);
    return this.callAt(this.currentTime + delayMs, fn);
  }

  /**
   * Schedules a LATE closure: at `timeMs`, after every NORMAL event of that time; LATE events of
   * the same time run in the order they were scheduled.
   */
  callAtLate(timeMs: number, fn: () => void): void {
    if (!(timeMs >= this.currentTime)) fail(`cannot schedule in the past: ${timeMs} < now ${this.currentTime}`);
    const late = this.late;
    // After every pending item of time <= timeMs (first in, first out among equal times).
    let i = late.length;
    while (i > this.lateHead && late[i - 1].timeMs > timeMs) i--;
    late.splice(i, 0, { timeMs, fn });
    this.lateTimeMs = late[this.lateHead].timeMs;
  }

  /** Cancels a pending event; a stale handle (ran or cancelled already) is ignored. */
  cancel(handle: EventHandle): boolean {
    if (!this.queue.isPending(handle)) return false;
    if (this.queue.kindOf(handle) === KIND_CALLBACK) {
      // A cancelled closure releases its table entry, so the table stays as small as the queue.
      const index = this.queue.targetOf(handle);
      this.callbacks[index] = undefined;
      this.freeCallbacks.push(index);
    }
    return this.queue.cancel(handle);
  }

  isPending(handle: EventHandle): boolean {
    return this.queue.isPending(handle);
  }

  /** Scheduled time of a pending event, NaN when stale. */
  timeOf(handle: EventHandle): number {
    return this.queue.timeOf(handle);
  }

  /** Runs the next event. Returns false when there is none. */
  step(): boolean {
    const queue = this.queue;
    // NORMAL before LATE at equal times.
    if (this.lateTimeMs < queue.peekTime()) return this.stepLate();
    if (!queue.pop()) return false;
    if (this.executed >= this.maxEvents) throw new EventLimitError(this.maxEvents, queue.poppedTime);
    this.executed++;
    this.currentTime = queue.poppedTime;
    this.handlers[queue.poppedKind](queue.poppedTarget, queue.poppedArg);
    return true;
  }

  /**
   * Runs every event with time <= `timeMs`, then advances the clock to `timeMs`. Stops early,
   * between two events, when pause() is called (from a handler or a subscriber).
   */
  runUntil(timeMs: number): RunOutcome {
    if (!(timeMs >= this.currentTime)) fail(`cannot run back in time: ${timeMs} < now ${this.currentTime}`);
    this.pauseRequested = false;
    const queue = this.queue;
    while (queue.peekTime() <= timeMs || this.lateTimeMs <= timeMs) {
      this.step();
      if (this.pauseRequested) return 'paused';
    }
    this.currentTime = timeMs;
    return 'reached';
  }

  runFor(spanMs: number): RunOutcome {
    if (!(spanMs >= 0)) fail(`span must be >= 0, got ${spanMs}`);
    return this.runUntil(this.currentTime + spanMs);
  }

  /** Runs until no event is left (bounded by maxEvents). */
  runToEnd(): RunOutcome {
    this.pauseRequested = false;
    while (this.step()) {
      if (this.pauseRequested) return 'paused';
    }
    return 'idle';
  }

  /** Asks the running loop to stop after the current event. */
  pause(): void {
    this.pauseRequested = true;
  }

  private stepLate(): boolean {
    const item = this.late[this.lateHead++];
    if (this.executed >= this.maxEvents) throw new EventLimitError(this.maxEvents, item.timeMs);
    this.executed++;
    if (this.lateHead === this.late.length) {
      this.late.length = 0;
      this.lateHead = 0;
    }
    this.lateTimeMs = this.lateHead < this.late.length ? this.late[this.lateHead].timeMs : Infinity;
    this.currentTime = item.timeMs;
    item.fn();
    return true;
  }

  private readonly runCallback = (index: number): void => {
    const fn = this.callbacks[index];
    this.callbacks[index] = undefined;
    this.freeCallbacks.push(index);
    if (!(fn !== undefined)) fail(`callback event ${index} has no closure`);
    fn();
  };
}
