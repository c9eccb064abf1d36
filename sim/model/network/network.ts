import { assert, fail } from '../../engine/assert.ts';
import type { Range } from '../../engine/random.ts';
import type { EventKind, Simulation } from '../../engine/simulation.ts';
import { LinkRandom, PURPOSE_LATENCY, PURPOSE_LOSS } from './link-random.ts';

/**
 * The network between endpoints (etcd members, fleet nodes, the update server): one-way latency
 * drawn per message from a range per zone pair (same zone, or inter-zone), message loss,
 * partitions, and extra latency spikes. Everything can change at run time (fault injectors drive
 * it). Deliveries are ordinary events on the Simulation.
 *
 * - Endpoint ids are plain numbers chosen by the caller; zones are labels.
 * - A partition is a list of sides; a message crosses only within a side. Endpoints named in no
 *   side together form one more side ("the rest"), so `[[0]]` isolates endpoint 0.
 * - A partition cuts messages already in flight too: a message is dropped on delivery when its
 *   endpoints are no longer connected (a TCP connection across the cut breaks).
 * - Links are FIFO (etcd's rafthttp uses one ordered stream per peer): a message never overtakes
 *   an earlier one on the same directed link.
 * - Draws are counter-based per link (link-random.ts), so skipping k messages on a link is exact.
 *
 * Listeners registered with `onBeforeChange` run before any change of the configuration takes
 * effect: a component that skipped events on the assumption that nothing changes (the etcd
 * quiescence shortcut) catches up under the old configuration first.
 */
export interface NetworkConfig {
  /** One-way latency within a zone. */
  latencyMs: Range;
  /** One-way latency between zones. */
  interZoneLatencyMs: Range;
  /** Probability that a message is lost, in [0, 1]. */
  lossProbability: number;
  /** Messages in flight at once; a bound, not a model parameter. */
  inFlightMax?: number;
}

export type DeliverFn = (from: number, message: unknown) => void;

export interface LatencySpike {
  /** Added to the one-way latency of every message from or to one of `endpoints`. */
  readonly extraMs: number;
  /** Affected endpoints; null for every endpoint. */
  readonly endpoints: ReadonlySet<number> | null;
}

export interface NetworkCounters {
  sent: number;
  delivered: number;
  /** Lost to the loss probability. */
  lost: number;
  /** Dropped by a partition (at send or on delivery). */
  cut: number;
}

interface LinkState {
  /** Messages sent on this directed link so far (the index of the next draw). */
  sequence: number;
  /** Delivery time of the latest message on this link, for FIFO order. */
  lastDeliveryMs: number;
}

const ENDPOINT_ID_LIMIT = 1 << 20;
const DEFAULT_IN_FLIGHT_MAX = 1_000_000;

export class Network {
  // Per endpoint, indexed by its id (ids are small: members, then zone clients from 1000):
  // arrays, not maps, on the path of every message.
  private readonly zones: (string | undefined)[] = [];
  private readonly handlers: (DeliverFn | undefined)[] = [];
  private readonly inFlightCount: number[] = [];
  /** Directed links by sender, then receiver. */
  private readonly linksFrom: (Map<number, LinkState> | undefined)[] = [];
  private readonly random: LinkRandom;
  private readonly deliverKind: EventKind;
  private readonly changeListeners: ((nowMs: number) => void)[] = [];
  private readonly afterChangeListeners: ((nowMs: number) => void)[] = [];

  // In-flight messages, in slots reused through a free list.
  private readonly slotFrom: number[] = [];
  private readonly slotTo: number[] = [];
  private readonly slotMessage: unknown[] = [];
  private readonly freeSlots: number[] = [];
  private inFlightTotal = 0;
  private readonly inFlightMax: number;

  private config: NetworkConfig;
  /** Side index per endpoint under the current partition; absent = the rest. */
  private sideOf: Map<number, number> | null = null;
  private readonly spikes = new Map<number, LatencySpike>();
  private nextSpikeId = 1;

  readonly counters: NetworkCounters = { sent: 0, delivered: 0, lost: 0, cut: 0 };

  constructor(
    private readonly sim: Simulation,
    seed: number | string,
    config: NetworkConfig,
    name = 'network',
  ) {
    checkConfig(config);
    this.config = { ...config };
    this.random = new LinkRandom(`${seed}/${name}`);
    this.inFlightMax = config.inFlightMax ?? DEFAULT_IN_FLIGHT_MAX;
    this.deliverKind = sim.register(`${name}.deliver`, (slot) => this.deliver(slot));
  }

  /** Adds an endpoint in a zone; `deliver` receives its messages. */
  attach(id: number, zone: string, deliver: DeliverFn): void {
    if (!(Number.isInteger(id) && id >= 0 && id < ENDPOINT_ID_LIMIT)) fail(`endpoint id ${id} outside [0, 2^20)`);
    if (this.zones[id] !== undefined) fail(`endpoint ${id} is attached twice`);
    this.zones[id] = zone;
    this.handlers[id] = deliver;
    this.inFlightCount[id] = 0;
  }

  zoneOf(id: number): string {
    const zone = this.zones[id];
    if (!(zone !== undefined)) fail(`unknown endpoint ${id}`);
    return zone;
  }

  get current(): Readonly<NetworkConfig> {
    return this.config;
  }

  /** True when a message from `a` can reach `b` under the current partition. */
  connected(a: number, b: number): boolean {
    if (this.sideOf === null) return true;
    return (this.sideOf.get(a) ?? -1) === (this.sideOf.get(b) ?? -1);
  }

  /** Messages in flight towards an endpoint. */
  inFlightTo(id: number): number {
    return this.inFlightCount[id] ?? 0;
  }

  get spikeCount(): number {
    return this.spikes.size;
  }

  /**
   * Sends a message; returns false when it is lost or cut at once. A message to self is delivered
   * after zero latency (still an event, so the sender's step finishes first).
   */
  send(from: number, to: number, message: unknown): boolean {
    const deliveryMs = this.reserveDelivery(from, to);
    if (deliveryMs < 0) return false;
    this.enqueue(from, to, message, deliveryMs);
    return true;
  }

  /**
   * Everything send() does but the delivery event: the link's sequence number, the partition
   * and loss rules, the latency and FIFO order, the counters. Returns the delivery time, or -1
   * when the message is cut or lost. For a caller that carries out the arrival itself
   * (fast-requests.ts folds a read's arrival at a quiescent leader into its ReadIndex round);
   * it calls countDelivered() at the arrival, or injectInFlight() to let the message travel
   * after all. Not counted in flight meanwhile.
   */
  reserveDelivery(from: number, to: number): number {
    if (!(this.handlers[from] !== undefined)) fail(`send from unknown endpoint ${from}`);
    if (!(this.handlers[to] !== undefined)) fail(`send to unknown endpoint ${to}`);
    this.counters.sent++;
    const link = this.link(from, to);
    const sequence = link.sequence++;
    if (!this.connected(from, to)) {
      this.counters.cut++;
      return -1;
    }
    if (this.config.lossProbability > 0 && this.random.uniform(from, to, sequence, PURPOSE_LOSS) < this.config.lossProbability) {
      this.counters.lost++;
      return -1;
    }
    const latencyMs = from === to ? 0 : this.latencyOf(from, to, sequence);
    const deliveryMs = Math.max(this.sim.now + latencyMs, link.lastDeliveryMs);
    link.lastDeliveryMs = deliveryMs;
    return deliveryMs;
  }

  /** A message whose delivery was reserved (reserveDelivery) arrived. */
  countDelivered(): void {
    this.counters.delivered++;
  }

  /**
   * The one-way latency the n-th message of link (from, to) draws under the current
   * configuration, spikes included. Pure: reading it consumes nothing.
   */
  latencyOf(from: number, to: number, sequence: number): number {
    const range = this.zoneOf(from) === this.zoneOf(to) ? this.config.latencyMs : this.config.interZoneLatencyMs;
    const u = this.random.uniform(from, to, sequence, PURPOSE_LATENCY);
    let latencyMs = range.min + (range.max - range.min) * u;
    if (this.spikes.size === 0) return latencyMs; // no iterator to allocate per message
    for (const spike of this.spikes.values()) {
      if (spike.endpoints === null || spike.endpoints.has(from) || spike.endpoints.has(to)) latencyMs += spike.extraMs;
    }
    return latencyMs;
  }

  /** Upper bound of any one-way latency under the current configuration (spikes included). */
  latencyMaxMs(): number {
    let extraMs = 0;
    for (const spike of this.spikes.values()) extraMs += spike.extraMs;
    return Math.max(this.config.latencyMs.max, this.config.interZoneLatencyMs.max) + extraMs;
  }

  // --- run-time changes (fault injectors) ---

  /** Calls `listener(nowMs)` before every configuration change takes effect. */
  onBeforeChange(listener: (nowMs: number) => void): void {
    this.changeListeners.push(listener);
  }

  /** Calls `listener(nowMs)` after every configuration change took effect. */
  onAfterChange(listener: (nowMs: number) => void): void {
    this.afterChangeListeners.push(listener);
  }

  setLatency(latencyMs: Range, interZoneLatencyMs: Range): void {
    const next = { ...this.config, latencyMs, interZoneLatencyMs };
    checkConfig(next);
    this.change();
    this.config = next;
    this.changed();
  }

  setLoss(lossProbability: number): void {
    const next = { ...this.config, lossProbability };
    checkConfig(next);
    this.change();
    this.config = next;
    this.changed();
  }

  /** Splits the network into sides (see the class comment); null or [] heals it. */
  setPartition(sides: readonly (readonly number[])[] | null): void {
    let sideOf: Map<number, number> | null = null;
    if (sides !== null && sides.length > 0) {
      sideOf = new Map<number, number>();
      for (let index = 0; index < sides.length; index++) {
        for (const id of sides[index]) {
          if (!(this.zones[id] !== undefined)) fail(`partition names unknown endpoint ${id}`);
          if (sideOf.has(id)) fail(`endpoint ${id} is on two sides of a partition`);
          sideOf.set(id, index);
        }
      }
    }
    this.change();
    this.sideOf = sideOf;
    this.changed();
  }

  get partitioned(): boolean {
    return this.sideOf !== null;
  }

  /** Adds extra latency (a spike); returns an id for removeSpike. */
  addSpike(extraMs: number, endpoints: readonly number[] | null = null): number {
    if (!(extraMs >= 0 && Number.isFinite(extraMs))) fail(`spike extraMs must be finite and >= 0, got ${extraMs}`);
    this.change();
    const id = this.nextSpikeId++;
    this.spikes.set(id, { extraMs, endpoints: endpoints === null ? null : new Set(endpoints) });
    this.changed();
    return id;
  }

  removeSpike(id: number): void {
    if (!(this.spikes.has(id))) fail(`no latency spike ${id}`);
    this.change();
    this.spikes.delete(id);
    this.changed();
  }

  // --- for exact shortcuts (sim/model/etcd/quiescence.ts) ---

  /** The next sequence number of a directed link (messages sent on it so far). */
  linkSequence(from: number, to: number): number {
    return this.link(from, to).sequence;
  }

  /**
   * Accounts for `count` messages the caller skipped on a link, of which the last was (or will
   * be) delivered at `lastDeliveryMs`; `delivered` of them have arrived.
   */
  skipMessages(from: number, to: number, count: number, delivered: number, lastDeliveryMs: number): void {
    if (!(count >= 0 && delivered >= 0 && delivered <= count)) fail(`skipMessages: bad counts ${count}, ${delivered}`);
    const link = this.link(from, to);
    link.sequence += count;
    if (count > 0) link.lastDeliveryMs = Math.max(link.lastDeliveryMs, lastDeliveryMs);
    this.counters.sent += count;
    this.counters.delivered += delivered;
  }

  /** Puts back in flight a message the caller skipped but which the full run would still carry. */
  injectInFlight(from: number, to: number, message: unknown, deliveryMs: number): void {
    if (!(deliveryMs >= this.sim.now)) fail(`injectInFlight: delivery ${deliveryMs} is in the past`);
    if (!(this.handlers[to] !== undefined)) fail(`injectInFlight: unknown endpoint ${to}`);
    this.enqueue(from, to, message, deliveryMs);
  }

  private enqueue(from: number, to: number, message: unknown, deliveryMs: number): void {
    if (!(this.inFlightTotal < this.inFlightMax)) fail(`network: more than ${this.inFlightMax} messages in flight`);
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slotFrom.length;
    this.slotFrom[slot] = from;
    this.slotTo[slot] = to;
    this.slotMessage[slot] = message;
    this.inFlightTotal++;
    this.inFlightCount[to]++;
    this.sim.scheduleAt(deliveryMs, this.deliverKind, slot, 0);
  }

  private deliver(slot: number): void {
    const from = this.slotFrom[slot];
    const to = this.slotTo[slot];
    const message = this.slotMessage[slot];
    this.slotMessage[slot] = undefined;
    this.freeSlots.push(slot);
    this.inFlightTotal--;
    this.inFlightCount[to]--;
    if (!this.connected(from, to)) {
      this.counters.cut++;
      return;
    }
    this.counters.delivered++;
    this.handlers[to]!(from, message);
  }

  private link(from: number, to: number): LinkState {
    let links = this.linksFrom[from];
    if (links === undefined) this.linksFrom[from] = links = new Map();
    let link = links.get(to);
    if (link === undefined) {
      // -Infinity, not 0: no delivery yet, and a double from the start (engine/representation.ts).
      link = { sequence: 0, lastDeliveryMs: -Infinity };
      links.set(to, link);
    }
    return link;
  }

  private change(): void {
    for (const listener of this.changeListeners) listener(this.sim.now);
  }

  private changed(): void {
    for (const listener of this.afterChangeListeners) listener(this.sim.now);
  }
}

function checkConfig(config: NetworkConfig): void {
  for (const [name, range] of [['latencyMs', config.latencyMs], ['interZoneLatencyMs', config.interZoneLatencyMs]] as const) {
    if (!(range.min >= 0 && range.max >= range.min && Number.isFinite(range.max))) fail(`network ${name}: bad range [${range.min}, ${range.max}]`);
  }
  if (!(config.lossProbability >= 0 && config.lossProbability <= 1)) fail(`network loss ${config.lossProbability} outside [0, 1]`);
}
