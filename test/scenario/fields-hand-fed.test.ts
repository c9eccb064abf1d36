// Hand-fed cases for the unit fields of sim/scenario/fields.ts (durations, rates, ranges, whole
// numbers, time zones) and the editor schema's $id (json-schema.ts), read through a scenario module
// imported afresh: the error callbacks, the whole-number ranges and the descriptions are fixed when
// the schema is built, at import (fresh-schema.test.ts explains), so only a fresh import sees a
// change there. Expectations come from docs/scenario-format.md ("Values", "Errors" and the section
// tables) and from describeFound's wording ("the number 5", "the boolean true", "a list").
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshJsonSchemaSection, freshScenarioModule, pathMessages, type ScenarioModule } from './fresh.ts';
import { lines } from './helpers.ts';

let fresh: ScenarioModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
});

/** `path: message` of every error of a file with `name` and a 1-day `duration` before `body`. */
function errors(...body: string[]): string[] {
  return pathMessages(fresh.parseScenario(lines('name: f', 'duration: 1d', ...body), 'test.yaml'));
}

function scenario(...body: string[]) {
  const result = fresh.parseScenario(lines('name: f', 'duration: 1d', ...body), 'test.yaml');
  if (!result.ok) expect.fail(result.errors.map(fresh.formatScenarioError).join('\n'));
  return result.scenario;
}

describe('a value of the wrong type for a unit field', () => {
  it('names the duration forms, not only "string or number", when a duration is a list', () => {
    // docs/scenario-format.md "Errors": a bad duration reads "expected a duration like 250ms, 45m or 3d, found ...".
    expect(errors('liveness: {bound: [1]}')).toEqual(['liveness.bound: expected a duration like 250ms, 45m or 3d, found a list']);
  });

  it('names both range forms when a duration range is a boolean', () => {
    // docs "Values": a range is a single value or {min, max}; the message shows one of each.
    expect(errors('network: {latency: true}')).toEqual([
      'network.latency: expected a duration like 45m or a range {min: 1m, max: 5m}, found the boolean true',
    ]);
  });

  it('names both election timeout forms when the timeout is a list', () => {
    // docs "etcd": electionTimeout is a duration or {min, max}, default 1000ms -> {min: 1000, max: 2000}.
    expect(errors('etcd: {members: 3, electionTimeout: [1]}')).toEqual([
      'etcd.electionTimeout: expected a duration like 1000ms or a range {min: 1s, max: 2s}, found a list',
    ]);
  });
});

describe('a duration range {min, max}', () => {
  it('accepts min equal to max, the one-point range a single value also gives', () => {
    // docs "Values": `v` becomes {min: v, max: v}, so min = max must be valid when written out.
    // 1h = 60 * 60 * 1000 = 3 600 000 ms.
    const [fault] = scenario('faults:', '  - {at: {min: 1h, max: 1h}, kind: server-outage, duration: 1h}').faults;
    expect(fault.at).toEqual({ min: 3_600_000, max: 3_600_000 });
  });

  it('still refuses max one millisecond below min', () => {
    expect(errors('faults:', '  - {at: {min: 1001ms, max: 1000ms}, kind: server-outage, duration: 1h}')).toEqual([
      'faults[0].at.max: expected max >= min, found min 1001ms > max 1000ms',
    ]);
  });
});

describe('a whole number field', () => {
  it('states the lower bound alone when the field has no upper bound', () => {
    // docs "Top level": seed is an integer >= 0.
    expect(errors('seed: -1')).toEqual(['seed: expected a whole number >= 0, found the number -1']);
    expect(errors('seed: 1.5')).toEqual(['seed: expected a whole number >= 0, found the number 1.5']);
    expect(errors('seed: "7"')).toEqual(['seed: expected a whole number >= 0, found "7"']);
  });

  it('states both bounds when the field has an upper bound', () => {
    // docs "etcd": members is an integer 0..51 (the "Errors" example words such a range "between 0 and 10000000").
    const between = (found: string) => `etcd.members: expected a whole number between 0 and 51, found ${found}`;
    expect(errors('etcd: {members: 52}')).toEqual([between('the number 52')]);
    expect(errors('etcd: {members: -1}')).toEqual([between('the number -1')]);
    expect(errors('etcd: {members: 2.5}')).toEqual([between('the number 2.5')]);
  });

  it('accepts both ends of its range', () => {
    expect(scenario('seed: 0').seed).toBe(0);
    expect(scenario('etcd: {members: 51}').etcd.members).toBe(51);
  });
});

describe('a mapping with two unknown keys', () => {
  it('gets one located error per key, each at its own key', () => {
    // Line 3 `etcd: {members: 3, bogus: 1, heartbaet: 100ms}`: "{" is column 7, "members" 8-14,
    // ": 3, " 15-19, so "bogus" starts at column 20; "bogus: 1, " is 20-29, so "heartbaet" starts
    // at column 30. "heartbaet" is one swap from "heartbeat"; "bogus" is near no etcd key.
    const result = fresh.parseScenario(lines('name: f', 'duration: 1d', 'etcd: {members: 3, bogus: 1, heartbaet: 100ms}'), 'test.yaml');
    const keys = 'expected one of: members, placement, heartbeat, electionTimeout, preVote';
    expect(result.ok ? [] : result.errors.map(fresh.formatScenarioError)).toEqual([
      `test.yaml:3:20: etcd.bogus: unknown key "bogus"; ${keys}`,
      `test.yaml:3:30: etcd.heartbaet: unknown key "heartbaet" (did you mean "heartbeat"?); ${keys}`,
    ]);
  });
});

describe('the editor schema built afresh', () => {
  it('describes rates and signed durations as the committed docs/scenario.schema.json does', async () => {
    for (const section of ['server', 'faults', 'fuzz']) {
      const { generated, committed } = await freshJsonSchemaSection(section);
      expect(generated).toEqual(committed);
    }
    const { generated } = await freshJsonSchemaSection('server');
    expect(generated.properties.bandwidth.description).toBe('rate: 1Gbps, 100Mbps, 10Kbps, or a number of bits per second');
  });

  it('carries the schema id an editor resolves, the one in the committed file', async () => {
    vi.resetModules();
    const { scenarioJsonSchema } = await import('../../sim/scenario/json-schema.ts');
    const committed = JSON.parse(readFileSync(new URL('../../docs/scenario.schema.json', import.meta.url), 'utf8')) as { $id: string };
    expect(committed.$id).toBe('https://fleetsim.dev/schemas/scenario-v1.json');
    expect(scenarioJsonSchema().$id).toBe(committed.$id);
  });
});

describe('isTimeZone, imported afresh', () => {
  const original = Intl.DateTimeFormat;
  afterEach(() => {
    Intl.DateTimeFormat = original;
  });

  /** isTimeZone's answers for `names`, and how many DateTimeFormats it constructed meanwhile. */
  async function answers(names: string[]): Promise<{ accepted: boolean[]; constructed: number }> {
    vi.resetModules();
    const { isTimeZone } = await import('../../sim/scenario/fields.ts');
    let constructed = 0;
    Intl.DateTimeFormat = new Proxy(original, {
      construct(target, args) {
        constructed++;
        return Reflect.construct(target, args) as object;
      },
    });
    const accepted = names.map((name) => isTimeZone(name));
    return { accepted, constructed };
  }

  it('answers UTC and listed zones from Intl\'s zone list, without constructing a DateTimeFormat', async () => {
    // fields.ts: a DateTimeFormat costs 20-30 ms cold, so names ECMA-402 must accept ("UTC" and every
    // Intl.supportedValuesOf('timeZone') name) are answered from the list. Node 20's list does not
    // hold "UTC" itself, so the "UTC" entry is needed.
    const listed = Intl.supportedValuesOf('timeZone');
    expect(listed).toContain('Europe/Berlin');
    expect(listed).not.toContain('UTC');
    expect(await answers(['UTC', 'Europe/Berlin', 'America/New_York'])).toEqual({ accepted: [true, true, true], constructed: 0 });
  });

  it('asks DateTimeFormat about a name outside the list, and refuses one it refuses', async () => {
    expect(await answers(['Mars/Olympus'])).toEqual({ accepted: [false], constructed: 1 });
  });
});
