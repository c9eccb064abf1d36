// Hand-fed cases for how sim/scenario/schema.ts puts the fleet, etcd, network, limits, liveness
// and expect sections together, parsed with a scenario module imported afresh: defaults and the
// names in error messages are fixed when the schema is built, so only a fresh import sees a change
// there (fresh-schema.test.ts explains). Defaults are docs/scenario-format.md's tables, converted
// by hand: 1 s = 1000 ms, 1 m = 60 000 ms, 1 h = 3 600 000 ms, 1 d = 86 400 000 ms.
import { beforeAll, describe, expect, it } from 'vitest';
import { freshJsonSchemaSection, freshScenarioModule, type ScenarioModule } from './fresh.ts';
import { MINIMAL, lines } from './helpers.ts';

let fresh: ScenarioModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
});

function scenario(...body: string[]) {
  const result = fresh.parseScenario(lines(MINIMAL, ...body), 'test.yaml');
  if (!result.ok) expect.fail(result.errors.map(fresh.formatScenarioError).join('\n'));
  return result.scenario;
}

/** The located errors of a file whose line 3 onwards is `body`. */
function errors(...body: string[]): string[] {
  const result = fresh.parseScenario(lines(MINIMAL, ...body), 'test.yaml');
  return result.ok ? [] : result.errors.map(fresh.formatScenarioError);
}

describe('the defaults of a freshly built schema', () => {
  it('fills the fleet section as the format table says', () => {
    expect(scenario().fleet).toEqual({
      groups: [],
      // boot.shutdown 2s -> {2000, 2000}; boot.boot {1s, 5s}; markGoodAfter 45s.
      boot: { shutdown: { min: 2000, max: 2000 }, boot: { min: 1000, max: 5000 }, markGoodAfter: 45_000 },
      coldStart: false,
      version: '3760.2.0',
      // first 7m = 420 000; interval 45m = 2 700 000; fuzz 5m = 300 000; backoffMax 4h = 14 400 000.
      updateCheck: { first: 420_000, interval: 2_700_000, fuzz: 300_000, backoffMax: 14_400_000 },
    });
  });

  it('gives a group zone a, no hardware class and the stable channel', () => {
    expect(scenario('fleet: {groups: [{name: prod, nodes: 3}]}').fleet.groups).toEqual([
      { name: 'prod', nodes: 3, zones: ['a'], hardware: null, channel: 'stable' },
    ]);
  });

  it('fills the etcd section with etcd\'s own defaults, PreVote on', () => {
    // heartbeat 100ms; electionTimeout 1000ms read as Raft's [t, 2t) -> {1000, 2000}; --pre-vote
    // defaults to true in etcd 3.5 (server/embed/config.go NewConfig).
    expect(scenario().etcd).toEqual({ members: 0, placement: 'dedicated', heartbeat: 100, electionTimeout: { min: 1000, max: 2000 }, preVote: true });
  });

  it('fills the network section: 1-5 ms within a zone, 5-20 ms between zones, no loss', () => {
    expect(scenario().network).toEqual({ latency: { min: 1, max: 5 }, interZoneLatency: { min: 5, max: 20 }, loss: 0 });
  });

  it('fills the limits and the liveness bound of the additions table', () => {
    const s = scenario();
    expect(s.limits).toEqual({ maxEvents: 50_000_000, maxPendingEvents: 10_000_000 });
    expect(s.liveness).toEqual({ bound: 86_400_000 }); // 24h
  });

  it('keeps values given in place of the defaults', () => {
    const s = scenario(
      'fleet: {coldStart: true, boot: {markGoodAfter: 1m}}',
      'etcd: {members: 3, preVote: false}',
      'network: {loss: 10%}',
      'limits: {maxEvents: 7}',
      'liveness: {bound: 2h}',
    );
    expect(s.fleet.coldStart).toBe(true);
    expect(s.fleet.boot).toEqual({ shutdown: { min: 2000, max: 2000 }, boot: { min: 1000, max: 5000 }, markGoodAfter: 60_000 });
    expect(s.etcd.preVote).toBe(false);
    expect(s.network.loss).toBe(0.1);
    expect(s.limits).toEqual({ maxEvents: 7, maxPendingEvents: 10_000_000 });
    expect(s.liveness).toEqual({ bound: 7_200_000 });
  });
});

describe('a group or fleet value of the wrong type', () => {
  // Line 3 is the fleet line; columns counted by hand from its first character (column 1).
  it('names the hardware class it expected', () => {
    // `fleet: {groups: [{name: prod, nodes: 3, hardware: ` is 50 characters: the 5 is column 51.
    expect(errors('fleet: {groups: [{name: prod, nodes: 3, hardware: 5}]}')).toEqual([
      'test.yaml:3:51: fleet.groups[0].hardware: expected a hardware class, found the number 5',
    ]);
  });

  it('names the channel it expected', () => {
    // `fleet: {groups: [{name: prod, nodes: 3, channel: ` is 49 characters: the 5 is column 50.
    expect(errors('fleet: {groups: [{name: prod, nodes: 3, channel: 5}]}')).toEqual([
      'test.yaml:3:50: fleet.groups[0].channel: expected a channel, found the number 5',
    ]);
  });

  it('names the zone it expected, and refuses an empty zone list', () => {
    // `fleet: {groups: [{name: prod, nodes: 3, zones: [` is 48 characters: the 7 is column 49,
    // and the list's bracket column 48.
    expect(errors('fleet: {groups: [{name: prod, nodes: 3, zones: [7]}]}')).toEqual([
      'test.yaml:3:49: fleet.groups[0].zones[0]: expected a zone name, found the number 7',
    ]);
    expect(errors('fleet: {groups: [{name: prod, nodes: 3, zones: []}]}')).toEqual([
      'test.yaml:3:48: fleet.groups[0].zones: expected at least 1 item, found 0',
    ]);
  });

  it('tells a version that YAML read as a number to quote it', () => {
    // YAML reads 1.0 as the number 1; `fleet: {version: ` is 17 characters: the value is column 18.
    expect(errors('fleet: {version: 1.0}')).toEqual([
      'test.yaml:3:18: fleet.version: expected a version string, found the number 1 (quote versions that YAML reads as numbers: "1.0")',
    ]);
    expect(scenario('fleet: {version: "1.0"}').fleet.version).toBe('1.0');
  });
});

describe('the editor schema generated afresh', () => {
  // docs/scenario.schema.json is the committed output of scripts/gen-schema.ts; a section
  // generated by a freshly built schema must equal it, description and type included.
  for (const section of ['start', 'expect', 'fleet', 'etcd', 'network', 'limits', 'liveness']) {
    it(`describes the ${section} section as the committed docs/scenario.schema.json does`, async () => {
      const { generated, committed } = await freshJsonSchemaSection(section);
      expect(committed).toBeDefined();
      expect(generated).toEqual(committed);
    });
  }

  it('describes an expectation as a string and start as a string or a number', async () => {
    const { generated: expectSection } = await freshJsonSchemaSection('expect');
    expect(expectSection.items.type).toBe('string');
    expect(expectSection.items.description).toMatch(/^an expectation: /);
    const { generated: startSection } = await freshJsonSchemaSection('start');
    expect(startSection.type).toEqual(['string', 'number']);
    expect(startSection.default).toBe('2024-01-01T00:00:00Z');
    expect(startSection.description).toMatch(/ISO 8601/);
  });
});
