import { assert } from '../../engine/assert.ts';
import type { MachineEvent } from '../machine/define.ts';

/** The node machine an outbox entry goes to. */
export const UE = 0;
export const BOOT = 1;
export const RM = 2;

/** Bound on deliveries in one drain: machines that answer each other forever would loop. */
const OUTBOX_DRAIN_MAX = 50_000_000;
/** Fills delivered slots so that they keep no event alive (not the queue's NO_EVENT handle). */
const EMPTY_SLOT: MachineEvent = Object.freeze({ type: '' });

/**
 * The world's outbox: the events that effects produce, delivered in order after the current step
 * (a message, as on a network, but without one: an effect never gets a synchronous answer).
 * It is the loop's zero-time phase, the URGENT priority of sim/engine/simulation.ts: drained
 * before the event (a machine timer, a fault, an action) that filled it returns.
 */
export class Outbox {
  private readonly outMachine: number[] = [];
  private readonly outNode: number[] = [];
  private readonly outEvent: MachineEvent[] = [];
  private outHead = 0;
  /** Entries in use (the arrays keep their length between drains: no shrinking and regrowing). */
  private outTail = 0;
  private delivering = false;

  constructor(
    private readonly deliver: (machine: number, node: number, event: MachineEvent) => void,
    /** Deliveries one drain may make (tests lower it to see the bound fire). */
    private readonly drainMax = OUTBOX_DRAIN_MAX,
  ) {}

  /** Queues `event` for `machine` of `node`; delivered at once when no step is under way. */
  post(machine: number, node: number, event: MachineEvent): void {
    const i = this.outTail++;
    if (i === this.outMachine.length) {
      this.outMachine.push(machine);
      this.outNode.push(node);
      this.outEvent.push(event);
    } else {
      this.outMachine[i] = machine;
      this.outNode[i] = node;
      this.outEvent[i] = event;
    }
    if (!this.delivering) this.drain();
  }

  /** Delivers everything posted so far; callers outside a step (faults, actions, the UI) call it. */
  flush(): void {
    if (!this.delivering) this.drain();
  }

  /** Runs one step (a machine's timer): what it posts is delivered after it, in order. */
  step(run: () => void): void {
    this.delivering = true;
    try {
      run();
    } finally {
      this.delivering = false;
    }
    this.drain();
  }

  private drain(): void {
    this.delivering = true;
    try {
      let delivered = 0;
      while (this.outHead < this.outTail) {
        const i = this.outHead++;
        const event = this.outEvent[i];
        this.outEvent[i] = EMPTY_SLOT;
        this.deliver(this.outMachine[i], this.outNode[i], event);
        assert(++delivered < this.drainMax, 'the outbox does not drain: machines answering each other forever?');
      }
      this.outHead = 0;
      this.outTail = 0;
    } finally {
      this.delivering = false;
    }
  }
}
