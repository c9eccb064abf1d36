// The scenario file's schema (docs/scenario-format.md, version 1), in zod 4. The input side is what a file
// may say; the output side (type Scenario) keeps the file's key names but every value is
// normalised: durations in ms, sizes in bytes, rates in bits/s, `start` in epoch ms, ranges
// always {min, max}, expectations parsed. Defaults follow the real systems (docs/sources.md).
// Checks that relate one section to another (policy groups exist, a lock strategy has etcd)
// live in references.ts, so that they run even when another section has errors.

import { z } from 'zod';
import { describeFound } from './units.ts';
import { parseExpectation } from './expect.ts';
import {
  durationMs,
  durationRangeMs,
  electionTimeoutMs,
  fraction,
  int,
  name,
  positiveDurationMs,
  rateBps,
  strict,
} from './fields.ts';
import { policySectionSchema } from './policy.ts';
import { releaseSchema } from './release.ts';
import { faultSchema } from './faults.ts';
import { actionSchema } from './actions.ts';
import { fuzzSchema } from './fuzz.ts';
import { rebootSchema } from './reboot.ts';
import { workloadsSchema } from './workloads.ts';

export const DEFAULT_START = '2024-01-01T00:00:00Z';
const MAX_HORIZON_MS = 366 * 24 * 3_600_000;

// An ISO 8601 date or date-time WITH a zone designator: a time without one would be read in the
// machine's local zone, and a run must not depend on where it runs.
const START_PATTERN = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

const startEpochMs = () =>
  z
    .union([z.string(), z.number()], {
      error: (issue) => `expected a date-time like 2024-01-01T00:00:00Z, found ${describeFound(issue.input)}`,
    })
    .transform((input, ctx) => {
      if (typeof input === 'number') {
        if (Number.isSafeInteger(input)) return input;
      } else {
        const text = input.trim();
        const epochMs = START_PATTERN.test(text) ? Date.parse(text) : NaN;
        if (Number.isFinite(epochMs) && dayExists(text)) return epochMs;
      }
      ctx.addIssue({
        code: 'custom',
        message: `expected a date-time with a zone like 2024-01-01T00:00:00Z (or epoch ms), found ${describeFound(input)}`,
        input,
      });
      return z.NEVER;
    })
    .meta({ description: 'calendar time at t=0: an ISO 8601 date-time with Z or an offset, or epoch milliseconds' });

const groupSchema = () =>
  strict({
    name: name('group name'),
    nodes: int(0, 10_000_000),
    // Nodes are spread round-robin over the zones.
    zones: z.array(name('zone name')).min(1).prefault(['a']),
    // null = unlabelled; releases' per-class boot failure probabilities use `default` for it.
    hardware: name('hardware class').nullable().prefault(null),
    channel: name('channel').prefault('stable'),
  }).check((ctx) => {
    const zones = ctx.value.zones;
    const duplicate = zones.find((zone, i) => zones.indexOf(zone) !== i);
    if (duplicate !== undefined) {
      ctx.issues.push({ code: 'custom', message: `expected distinct zones, found "${duplicate}" twice`, input: zones, path: ['zones'] });
    }
  });

const fleetSchema = () =>
  strict({
    groups: z.array(groupSchema()).prefault([]),
    boot: strict({
      shutdown: durationRangeMs().prefault('2s'),
      boot: durationRangeMs().prefault({ min: '1s', max: '5s' }),
      // flatcar-setgoodroot marks the booted partition good 45 s after boot.
      markGoodAfter: durationMs().prefault('45s'),
    }).prefault({}),
    coldStart: z.boolean().prefault(false),
    // The OS version every node runs at t=0 (USR-A); releases must be newer to be installed.
    version: name('version string', ' (quote versions that YAML reads as numbers: "1.0")').prefault('3760.2.0'),
    // update_engine's schedule: first check 7 min after start, then every 45 min +-5 min;
    // on server errors the interval doubles up to 4 h.
    updateCheck: strict({
      first: durationMs().prefault('7m'),
      interval: positiveDurationMs().prefault('45m'),
      fuzz: durationMs().prefault('5m'),
      backoffMax: positiveDurationMs().prefault('4h'),
    }).prefault({}),
  }).check((ctx) => {
    const names = ctx.value.groups.map((g) => g.name);
    names.forEach((groupName, i) => {
      if (names.indexOf(groupName) !== i) {
        ctx.issues.push({ code: 'custom', message: `expected unique group names, found "${groupName}" again`, input: groupName, path: ['groups', i, 'name'] });
      }
    });
    const check = ctx.value.updateCheck;
    if (check.fuzz > check.interval) {
      ctx.issues.push({ code: 'custom', message: `expected fuzz <= interval (${check.interval}ms), found ${check.fuzz}ms`, input: check.fuzz, path: ['updateCheck', 'fuzz'] });
    }
  });

// etcd's defaults: heartbeat 100 ms, election timeout 1000 ms.
const etcdSchema = () =>
  strict({
    members: int(0, 51).prefault(0),
    placement: z.enum(['dedicated', 'fleet']).prefault('dedicated'),
    heartbeat: positiveDurationMs().prefault('100ms'),
    electionTimeout: electionTimeoutMs().prefault('1000ms'),
    // etcd's --pre-vote, on by default (server/embed/config.go NewConfig).
    preVote: z.boolean().prefault(true),
  }).check((ctx) => {
    const etcd = ctx.value;
    if (etcd.electionTimeout.min <= etcd.heartbeat) {
      ctx.issues.push({
        code: 'custom',
        message: `expected an election timeout longer than the heartbeat (${etcd.heartbeat}ms), found ${etcd.electionTimeout.min}ms`,
        input: etcd.electionTimeout,
        path: ['electionTimeout'],
      });
    }
  });

const networkSchema = () =>
  strict({
    latency: durationRangeMs().prefault({ min: '1ms', max: '5ms' }),
    interZoneLatency: durationRangeMs().prefault({ min: '5ms', max: '20ms' }),
    loss: fraction().prefault(0),
  });

const serverSchema = () =>
  strict({
    bandwidth: rateBps().prefault('10Gbps'),
    nodeBandwidth: rateBps().prefault('1Gbps'),
  });

const expectationSchema = () =>
  z.unknown().transform((text, ctx) => {
    const parsed = parseExpectation(text);
    if (parsed.ok) return parsed.expectation;
    ctx.addIssue({ code: 'custom', message: parsed.message, input: text });
    return z.NEVER;
  }).meta({ description: 'an expectation: `path op value` or `agg(path) op value`', type: 'string' });

// Additions to the format's version 1 (docs/scenario-format.md): bounds on a run, and the liveness bound after faults heal.
const limitsSchema = () =>
  strict({
    maxEvents: int(1).prefault(50_000_000),
    maxPendingEvents: int(1).prefault(10_000_000),
  });

const livenessSchema = () =>
  strict({
    // After the last fault heals, the fleet must complete its rollout or be halted within this.
    bound: positiveDurationMs().prefault('24h'),
  });

export const SECTION_SCHEMAS = {
  name: () => name('scenario name'),
  description: () => z.string().prefault(''),
  seed: () => int(0).prefault(1),
  duration: () =>
    positiveDurationMs().check((ctx) => {
      if (ctx.value > MAX_HORIZON_MS) {
        ctx.issues.push({ code: 'custom', message: `expected a horizon of at most 366d, found ${ctx.value}ms`, input: ctx.value });
      }
    }),
  fidelity: () => z.enum(['fast', 'full']).prefault('fast'),
  start: () => startEpochMs().prefault(DEFAULT_START),
  fleet: () => fleetSchema().prefault({}),
  etcd: () => etcdSchema().prefault({}),
  network: () => networkSchema().prefault({}),
  server: () => serverSchema().prefault({}),
  releases: () => z.array(releaseSchema()).prefault([]),
  policy: () => policySectionSchema().prefault({}),
  reboot: () => rebootSchema().prefault({}),
  // The services the fleet runs (docs/workloads.md); [] = none, and nothing of them is simulated.
  workloads: () => workloadsSchema().prefault([]),
  faults: () => z.array(faultSchema()).prefault([]),
  actions: () => z.array(actionSchema()).prefault([]),
  expect: () => z.array(expectationSchema()).prefault([]),
  limits: () => limitsSchema().prefault({}),
  liveness: () => livenessSchema().prefault({}),
  // `fleetsim fuzz`: the fault mix drawn per seed (sim/scenario/fuzz.ts); null when absent.
  fuzz: () => fuzzSchema().nullable().prefault(null),
  // `fleetsim import` (JSON output): scenario path -> the file and line its value came from.
  // Documentation only: nothing in a run reads it (YAML output says the same in comments).
  sources: () => z.record(z.string(), z.string()).prefault({}),
} as const;

type Sections = { [K in keyof typeof SECTION_SCHEMAS]: ReturnType<(typeof SECTION_SCHEMAS)[K]> };

function buildScenarioSchema() {
  const shape = Object.fromEntries(Object.entries(SECTION_SCHEMAS).map(([key, make]) => [key, make()])) as Sections;
  return strict(shape);
}

export const scenarioSchema = buildScenarioSchema();

export type Scenario = z.output<typeof scenarioSchema>;
/** What a scenario file may contain, before defaults and normalisation. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Group = Scenario['fleet']['groups'][number];

// Date.parse rolls a day its month lacks over into the next month (V8 reads 2023-02-29 as
// 2023-03-01); `start` must be a real calendar date, so the day as written must exist.
function dayExists(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCDate() === day;
}
