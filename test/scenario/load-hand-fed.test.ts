// Hand-fed cases for sim/scenario/load.ts: how a file that is not a scenario at all is reported,
// how an override's errors are attributed, which branch of a union speaks, and the error map
// (errorMessage) that turns zod's issues into "expected ..., found ...". Expectations come from
// docs/scenario-format.md ("Errors", "Overrides") and describeFound's wording. The scenario module
// is imported afresh (fresh.ts): TYPE_REJECTIONS and the nouns of errorMessage are built at import.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { freshScenarioModule, type ScenarioModule } from './fresh.ts';
import { lines } from './helpers.ts';

type LoadModule = typeof import('../../sim/scenario/load.ts');

let fresh: ScenarioModule;
let load: LoadModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
  vi.resetModules();
  load = await import('../../sim/scenario/load.ts');
});

/** Every error of `text` as the CLI prints it (`file:line:col: path: message`); [] when valid. */
function printed(text: string, overrides?: Record<string, unknown>): string[] {
  const result = fresh.parseScenario(text, 't.yaml', overrides === undefined ? {} : { overrides });
  return result.ok ? [] : result.errors.map(fresh.formatScenarioError);
}

const GROUP = lines('name: f', 'duration: 1d', 'fleet: {groups: [{name: g, nodes: 3}]}');

describe('a file that is not a scenario mapping', () => {
  it('an empty file, or one holding only null, is one error at 1:1: a mapping was expected', () => {
    expect(printed('')).toEqual(['t.yaml:1:1: expected a mapping, found null']);
    expect(printed('null\n')).toEqual(['t.yaml:1:1: expected a mapping, found null']);
  });

  it('an empty set of overrides leaves an empty file as it is, not an empty mapping missing its keys', () => {
    // applyOverrides starts from {} when the document is null; with nothing to set it must not run.
    expect(printed('', {})).toEqual(['t.yaml:1:1: expected a mapping, found null']);
    expect(printed('- 1\n', {})).toEqual(['t.yaml:1:1: expected a mapping, found a list']);
  });

  it('a document whose aliases expand past 100 is refused as a resource-exhaustion attack, at 1:1', () => {
    // yaml's toJS counts alias expansions against maxAliasCount (100) and throws; the loader
    // reports the first line of the error instead of throwing.
    const text = lines('a: &x [1, 2, 3]', ...Array.from({ length: 120 }, (_, i) => `k${i}: *x`));
    const result = fresh.parseScenario(text, 'bomb.yaml');
    expect(result).toEqual({
      ok: false,
      errors: [{ file: 'bomb.yaml', line: 1, column: 1, path: '', message: 'YAML: ReferenceError: Excessive alias count indicates a resource exhaustion attack' }],
    });
  });
});

describe('an error caused by an override names the override', () => {
  it('names it when the error is at the overridden key', () => {
    expect(printed(lines('name: f', 'duration: 1d', 'reboot: {maxConcurrent: 2}'), { 'reboot.maxConcurrent': 0 })).toEqual([
      't.yaml:3:25: reboot.maxConcurrent: expected a whole number between 1 and 1000000, found the number 0 (from override reboot.maxConcurrent)',
    ]);
  });

  it('names it when the error is inside the value the override set', () => {
    expect(printed(GROUP, { 'fleet.groups.0': { name: 'g', nodes: -1 } })).toEqual([
      't.yaml:3:35: fleet.groups[0].nodes: expected a whole number between 0 and 10000000, found the number -1 (from override fleet.groups.0)',
    ]);
  });

  it('names it when the override set a part of the value in error', () => {
    const text = lines('name: f', 'duration: 1d', 'fleet: {groups: [{name: g, nodes: 3, zones: [a, b]}]}');
    expect(printed(text, { 'fleet.groups.0.zones.1': 'a' })).toEqual([
      't.yaml:3:45: fleet.groups[0].zones: expected distinct zones, found "a" twice (from override fleet.groups.0.zones.1)',
    ]);
  });

  it('does not name an override of a sibling key, nor of another section', () => {
    // fleet.groups.0.name shares three leading segments with the error's path, but is not on it.
    const text = lines('name: f', 'duration: 1d', 'fleet: {groups: [{name: g, nodes: -1}]}');
    expect(printed(text, { 'fleet.groups.0.name': 'h', 'etcd.members': 2 })).toEqual([
      't.yaml:3:35: fleet.groups[0].nodes: expected a whole number between 0 and 10000000, found the number -1',
    ]);
  });
});

describe('the union branch that speaks', () => {
  it('is the branch that took the value for its kind and found it wrong, not the one that refused the kind', () => {
    // electionTimeout is a positive duration or {min, max}: "-5ms" is a duration string, so the
    // duration branch's complaint is the one to show, not the union's list of forms.
    expect(printed(lines('name: f', 'duration: 1d', 'etcd: {members: 3, electionTimeout: -5ms}'))).toEqual([
      't.yaml:3:37: etcd.electionTimeout: expected a duration like 250ms, 45m or 3d, found "-5ms" (a negative duration)',
    ]);
  });

  it('is the {min, max} branch when a value inside the mapping is of the wrong kind', () => {
    // The duration branch refuses the mapping at its root; the range branch took it and refused
    // `max` one level down, so that deeper refusal is the real problem.
    expect(printed(lines('name: f', 'duration: 1d', 'etcd: {members: 3, electionTimeout: {min: 1s, max: [1]}}'))).toEqual([
      't.yaml:3:52: etcd.electionTimeout.max: expected a duration like 250ms, 45m or 3d, found a list',
    ]);
  });

  it('is none when every branch refused the kind: a literal branch refusing a word is one of them', () => {
    // An etcd member is "leader" or an index: "follower" fails the literal (invalid_value) and the
    // number (invalid_type), so the union's own message speaks, not the literal's "one of: leader".
    const text = `${GROUP}etcd: {members: 3}\nfaults: [{at: 1h, kind: etcd-kill, target: {etcd: follower}, duration: 1h}]\n`;
    expect(printed(text)).toEqual(['t.yaml:5:51: faults[0].target.etcd: expected "leader" or a member index (0, 1, ...), found "follower"']);
  });
});

describe('unknown keys of a {min, max} range', () => {
  it('get one located error each, with the range keys listed and the near one suggested', () => {
    expect(printed(`${GROUP}fuzz: {count: {min: 1, max: 2, foo: 1, maz: 2}}\n`)).toEqual([
      't.yaml:4:32: fuzz.count.foo: unknown key "foo"; expected one of: min, max',
      't.yaml:4:40: fuzz.count.maz: unknown key "maz" (did you mean "max"?); expected one of: min, max',
    ]);
  });
});

describe('errorMessage, the error map', () => {
  /** The message a schema's issue gets through errorMessage. */
  function message(schema: z.ZodType, input: unknown): string {
    const result = schema.safeParse(input, { error: load.errorMessage });
    if (result.success) expect.fail(`expected ${JSON.stringify(input)} to be refused`);
    expect(result.error.issues).toHaveLength(1);
    return result.error.issues[0].message;
  }

  it('names each expected type in words', () => {
    expect(message(z.string(), 5)).toBe('expected a string, found the number 5');
    expect(message(z.number(), 'x')).toBe('expected a number, found "x"');
    expect(message(z.boolean(), 'yes')).toBe('expected true or false, found "yes"');
    expect(message(z.object({}), 5)).toBe('expected a mapping, found the number 5');
    expect(message(z.record(z.string(), z.number()), [])).toBe('expected a mapping, found a list');
    expect(message(z.array(z.number()), {})).toBe('expected a list, found a mapping');
    expect(message(z.null(), 0)).toBe('expected null, found the number 0');
    // A type with no noun of its own is named as zod names it.
    expect(message(z.bigint(), 1)).toBe('expected bigint, found the number 1');
  });

  it('lists the accepted values of an enum or literal', () => {
    expect(message(z.literal([503, 500, 'none']), 404)).toBe('expected one of: 503, 500, none; found the number 404');
  });

  it('counts a too-short list in items, singular for one, and any other too-small value as found', () => {
    expect(message(z.array(z.number()).min(1), [])).toBe('expected at least 1 item, found 0');
    expect(message(z.array(z.number()).min(2), [1])).toBe('expected at least 2 items, found 1');
    expect(message(z.number().min(0), -1)).toBe('expected at least 0, found the number -1');
    expect(message(z.string().min(3), 'ab')).toBe('expected at least 3, found "ab"');
  });

  it('states the bound of a too-big value', () => {
    expect(message(z.number().max(1), 2)).toBe('expected at most 1, found the number 2');
  });

  it('says a union without a message of its own wanted one of its forms', () => {
    expect(message(z.union([z.string(), z.number()]), true)).toBe('expected one of the accepted forms, found the boolean true');
  });

  it("leaves any other issue to zod's own message", () => {
    expect(load.errorMessage({ code: 'custom', input: 1, path: [], message: 'mine' } as never)).toBeUndefined();
    const pattern = z.string().regex(/^a/);
    const zodOwn = pattern.safeParse('b').error?.issues[0].message;
    expect(zodOwn).toMatch(/^Invalid string/);
    expect(message(pattern, 'b')).toBe(zodOwn);
  });
});
