import { assert } from '../engine/assert.ts';
import { RandomStreams, type RandomStream, type Range } from '../engine/random.ts';
import type { FaultKind } from '../scenario/faults.ts';
import type { FuzzConfig, FuzzKind, IntRange } from '../scenario/fuzz.ts';
import type { Scenario } from '../scenario/schema.ts';
import { formatDuration } from '../scenario/units.ts';
import { fleetTakesLock } from '../scenario/reboot.ts';

/**
 * A random fault schedule for one seed, drawn from the scenario's `fuzz` mix (TigerBeetle's VOPR:
 * a safety phase with faults, then a liveness phase with every fault healed). Pure: the same
 * (scenario, seed) gives the same schedule, from its own stream `fuzz.schedule`.
 *
 * The schedule is spelled out as scenario faults with exact times and explicit node lists, so
 * that a failing seed becomes a standalone scenario file (sim/faults/fuzz-scenario.ts) that
 * replays without the fuzzer. Every fault heals: a duration for the kinds that take one, and for
 * clock-skew and bad-disk a second fault that undoes the first (skew back, probability 0). Only
 * lock-holder-dies kills for good; it is in the default mix only where a lock TTL frees the dead
 * holder's slot.
 */
export interface FuzzSchedule {
  /** Scenario faults (raw, as a file would say them), sorted by time. */
  readonly faults: RawFault[];
  /** Time the last fault heals, ms. */
  readonly lastHealMs: number;
  /** A horizon that leaves the liveness phase its whole bound, ms. */
  readonly horizonMs: number;
}

export type RawFault = { at: string; kind: FaultKind } & Record<string, unknown>;

export const DEFAULT_FUZZ: FuzzConfig = { safety: 24 * 3_600_000 };
const DEFAULT_COUNT: IntRange = { min: 10, max: 10 };
const FAULTS_MAX = 10_000;

const MIN = 60_000;
const HOUR = 3_600_000;

/** Default ranges per kind (docs/faults.md). */
const DEFAULT_DURATION: Record<FaultKind, Range> = {
  'node-crash': { min: MIN, max: 2 * HOUR },
  'power-loss': { min: MIN, max: 30 * MIN },
  partition: { min: 10_000, max: HOUR },
  'message-loss': { min: MIN, max: HOUR },
  'latency-spike': { min: MIN, max: HOUR },
  'etcd-kill': { min: 10_000, max: 30 * MIN },
  'etcd-restart': { min: 0, max: 0 },
  'server-outage': { min: MIN, max: 2 * HOUR },
  'lock-holder-dies': { min: 0, max: 0 },
  'clock-skew': { min: HOUR, max: 24 * HOUR },
  'bad-disk': { min: HOUR, max: 24 * HOUR },
};

/** The kinds that apply to a scenario when its `fuzz` does not list them. */
export function defaultKinds(scenario: Scenario): FuzzKind[] {
  const etcd = scenario.etcd.members > 0;
  const lock = fleetTakesLock(scenario.reboot, scenario.fleet.groups.map((g) => g.name));
  const kinds: FaultKind[] = ['node-crash', 'power-loss', 'partition', 'message-loss', 'server-outage', 'clock-skew', 'bad-disk'];
  if (etcd) kinds.push('latency-spike', 'etcd-kill');
  if (lock && etcd && scenario.reboot.lockTTL > 0) kinds.push('lock-holder-dies');
  return kinds.map((kind) => ({ kind, weight: 1 }));
}

export function drawFuzzSchedule(scenario: Scenario, seed: number): FuzzSchedule {
  const config = scenario.fuzz ?? DEFAULT_FUZZ;
  const kinds = config.kinds ?? defaultKinds(scenario);
  assert(kinds.length > 0, 'fuzz: no fault kinds to draw from');
  const random = new RandomStreams(seed).stream('fuzz.schedule');
  const fleet = describeFleet(scenario);
  const times = drawTimes(config, random);
  const totalWeight = kinds.reduce((sum, k) => sum + k.weight, 0);
  const faults: { atMs: number; fault: RawFault }[] = [];
  let lastHealMs = 0;
  for (const atMs of times) {
    let pick = random.next() * totalWeight;
    const kind = kinds.find((k) => (pick -= k.weight) < 0) ?? kinds[kinds.length - 1];
    for (const drawn of drawFault(kind, atMs, fleet, random)) {
      faults.push(drawn);
      lastHealMs = Math.max(lastHealMs, drawn.healMs);
    }
  }
  // A stable sort: a fault and its undoing keep their order when they share a time.
  faults.sort((a, b) => a.atMs - b.atMs);
  const lastReleaseMs = scenario.releases.reduce((latest, r) => Math.max(latest, r.at), 0);
  const horizonMs = Math.max(scenario.duration, Math.max(lastHealMs, lastReleaseMs) + scenario.liveness.bound);
  return { faults: faults.map((f) => f.fault), lastHealMs, horizonMs };
}

/** Start times in [0, safety): `count` uniform draws, or exponential gaps of mean `every`. */
function drawTimes(config: FuzzConfig, random: RandomStream): number[] {
  const safetyMs = config.safety;
  const times: number[] = [];
  if (config.every !== undefined) {
    let t = random.exponential(config.every);
    while (t < safetyMs) {
      assert(times.length < FAULTS_MAX, `fuzz: more than ${FAULTS_MAX} faults (every ${config.every}ms over ${safetyMs}ms)`);
      times.push(Math.floor(t));
      t += random.exponential(config.every);
    }
  } else {
    const range = config.count ?? DEFAULT_COUNT;
    const count = random.int(range.min, range.max);
    for (let i = 0; i < count; i++) times.push(Math.floor(random.uniform(0, safetyMs)));
  }
  return times.sort((a, b) => a - b);
}

interface FleetShape {
  nodeCount: number;
  groups: string[];
  zones: string[];
  members: number;
}

function describeFleet(scenario: Scenario): FleetShape {
  return {
    nodeCount: scenario.fleet.groups.reduce((sum, g) => sum + g.nodes, 0),
    groups: scenario.fleet.groups.map((g) => g.name),
    zones: [...new Set(scenario.fleet.groups.flatMap((g) => g.zones))],
    members: scenario.etcd.members,
  };
}

interface DrawnFault {
  atMs: number;
  healMs: number;
  fault: RawFault;
}

function drawFault(kind: FuzzKind, atMs: number, fleet: FleetShape, random: RandomStream): DrawnFault[] {
  const durationMs = Math.max(1, Math.round(random.range(kind.duration ?? DEFAULT_DURATION[kind.kind])));
  const at = formatDuration(atMs);
  const duration = formatDuration(durationMs);
  const healMs = atMs + durationMs;
  const one = (fault: RawFault, heals = true): DrawnFault[] => [{ atMs, healMs: heals ? healMs : atMs, fault }];
  switch (kind.kind) {
    case 'node-crash':
      return one({ at, kind: 'node-crash', target: { nodes: drawNodes(kind, fleet, random) }, duration });
    case 'power-loss': {
      const byZone = fleet.groups.length === 0 || random.chance(0.5);
      const target = byZone ? { zone: random.pick(fleet.zones) } : { group: random.pick(fleet.groups) };
      return one({ at, kind: 'power-loss', target, duration });
    }
    case 'partition':
      return one({ at, kind: 'partition', sides: drawSides(fleet, random), duration });
    case 'message-loss': {
      const probability = round3(random.range(kind.probability ?? { min: 0.01, max: 0.3 }));
      const scope = fleet.members > 0 && random.chance(0.5) ? 'etcd' : 'all';
      return one({ at, kind: 'message-loss', probability, scope, duration });
    }
    case 'latency-spike': {
      const extraMs = Math.round(random.range(kind.extra ?? { min: 10, max: 2000 }));
      return one({ at, kind: 'latency-spike', extra: formatDuration(extraMs), duration });
    }
    case 'etcd-kill':
      return one({ at, kind: 'etcd-kill', target: { etcd: drawMember(fleet, random) }, duration });
    case 'etcd-restart':
      return one({ at, kind: 'etcd-restart', target: { etcd: fleet.members > 0 ? random.int(0, fleet.members - 1) : 0 } }, false);
    case 'server-outage':
      return one({ at, kind: 'server-outage', duration });
    case 'lock-holder-dies':
      return one({ at, kind: 'lock-holder-dies' }, false);
    case 'clock-skew': {
      const skewMs = Math.round(random.range(kind.skew ?? { min: -6 * HOUR, max: 6 * HOUR }));
      const nodes = drawNodes(kind, fleet, random);
      return [
        { atMs, healMs, fault: { at, kind: 'clock-skew', target: { nodes }, skew: formatDuration(skewMs) } },
        { atMs: healMs, healMs, fault: { at: formatDuration(healMs), kind: 'clock-skew', target: { nodes }, skew: formatDuration(-skewMs) } },
      ];
    }
    case 'bad-disk': {
      const probability = round3(random.range(kind.probability ?? { min: 0.1, max: 1 }));
      const nodes = drawNodes(kind, fleet, random);
      return [
        { atMs, healMs, fault: { at, kind: 'bad-disk', target: { nodes }, probability } },
        { atMs: healMs, healMs, fault: { at: formatDuration(healMs), kind: 'bad-disk', target: { nodes }, probability: 0 } },
      ];
    }
  }
}

/** Distinct nodes, sorted: `nodes` of them, by default 1 to 5% of the fleet. */
function drawNodes(kind: FuzzKind, fleet: FleetShape, random: RandomStream): number[] {
  const range = kind.nodes ?? { min: 1, max: Math.max(1, Math.round(0.05 * fleet.nodeCount)) };
  const count = Math.min(fleet.nodeCount, random.int(range.min, range.max));
  const all = Array.from({ length: fleet.nodeCount }, (_, i) => i);
  // A partial Fisher-Yates: the first `count` places.
  for (let i = 0; i < count; i++) {
    const j = random.int(i, all.length - 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

function drawMember(fleet: FleetShape, random: RandomStream): number | 'leader' {
  return fleet.members === 0 || random.chance(0.5) ? 'leader' : random.int(0, fleet.members - 1);
}

/** A partition from a few shapes that matter: a zone alone, a zone cut from the rest, the etcd
 * leader or a minority of members alone, the update server cut off, a node or a group alone. */
function drawSides(fleet: FleetShape, random: RandomStream): string[][] {
  const shapes: (() => string[][])[] = [
    () => [[`zone:${random.pick(fleet.zones)}`]],
    () => [[`server`]],
    () => [[`node:${random.int(0, fleet.nodeCount - 1)}`]],
  ];
  if (fleet.zones.length >= 2) {
    shapes.push(() => {
      const zone = random.pick(fleet.zones);
      return [[`zone:${zone}`], [...fleet.zones.filter((z) => z !== zone).map((z) => `zone:${z}`), 'server']];
    });
  }
  if (fleet.groups.length >= 1) shapes.push(() => [[`group:${random.pick(fleet.groups)}`]]);
  if (fleet.members > 0) {
    shapes.push(() => [['etcd:leader']]);
    shapes.push(() => {
      const minority = Math.max(1, Math.floor((fleet.members - 1) / 2));
      const members = Array.from({ length: fleet.members }, (_, i) => i);
      random.shuffle(members);
      return [members.slice(0, minority).sort((a, b) => a - b).map((m) => `etcd:${m}`)];
    });
  }
  return random.pick(shapes)();
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
