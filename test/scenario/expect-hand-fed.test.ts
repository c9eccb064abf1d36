// Hand-fed cases for reading `expect:` lines (sim/scenario/expect.ts parseExpectation): blanks
// around the text, quoted strings that do not fill the whole value, strings with bad JSON escapes,
// numbers in exponent form, plain numbers that are not whole, and negative zero. The grammar is
// docs/scenario-format.md "expect"; every expected value is worked out by hand in the comment
// next to it. The last block reads expectations with a scenario module imported afresh, because
// the aggregate names and the expression pattern are module-level constants (fresh.ts).
import { describe, expect, it } from 'vitest';
import { parseExpectation, type ExpectedValue } from '../../sim/scenario/index.ts';
import { freshScenarioModule } from './fresh.ts';
import { errorsOf, lines, MINIMAL } from './helpers.ts';

/** The value an expectation reads, or its message when it is refused. */
function valueOf(text: string): ExpectedValue | { refused: string } {
  const result = parseExpectation(text);
  return result.ok ? result.expectation.value : { refused: result.message };
}

const NOT_A_VALUE = 'expected a value: a number with an optional unit (3d, 300MB, 1Gbps, 5%), true, false, null or a quoted string';

describe('the text of an expectation', () => {
  it('is read without the blanks around it, and its expr is the trimmed text', () => {
    // A quoted YAML scalar keeps its blanks: "  rollout.completed == true  ".
    const result = parseExpectation('  rollout.completed == true  ');
    expect(result).toEqual({
      ok: true,
      expectation: { expr: 'rollout.completed == true', aggregate: null, path: 'rollout.completed', op: '==', value: true },
    });
  });

  it('keeps a quoted item with blanks around it valid in a file, so only the malformed item after it is an error', () => {
    // Line 3 is `expect:`, line 4 the quoted item (YAML keeps the blanks inside the quotes), line
    // 5 the item `x <`, whose scalar starts after "  - ", at column 5.
    expect(errorsOf(lines(MINIMAL, 'expect:', '  - "  rollout.duration <= 3d  "', '  - x <'))).toEqual([
      'test.yaml:5:5: expect[1]: expected a value after the operator, found nothing in "x <"',
    ]);
    // A tab is a blank too.
    const tabbed = parseExpectation('\trollout.duration <= 3d ');
    expect(tabbed.ok && tabbed.expectation.expr).toBe('rollout.duration <= 3d');
  });
});

describe('a quoted string value', () => {
  it('must be the whole value: text before a double-quoted string is refused', () => {
    // `x"done"` is neither a quoted string (it does not start with a quote) nor a number.
    expect(valueOf('scenario == x"done"')).toEqual({ refused: String.raw`${NOT_A_VALUE}, found "x\"done\"" in "scenario == x\"done\""` });
  });

  it('must be the whole value: text after a double-quoted string is refused', () => {
    expect(valueOf('scenario == "done"x')).toEqual({ refused: String.raw`${NOT_A_VALUE}, found "\"done\"x" in "scenario == \"done\"x"` });
  });

  it('must be the whole value: text before a single-quoted string is refused', () => {
    expect(valueOf("scenario == x'done'")).toEqual({ refused: String.raw`${NOT_A_VALUE}, found "x'done'" in "scenario == x'done'"` });
  });

  it('must be the whole value: text after a single-quoted string is refused', () => {
    expect(valueOf("scenario == 'done'x")).toEqual({ refused: String.raw`${NOT_A_VALUE}, found "'done'x" in "scenario == 'done'x"` });
  });

  it('in double quotes with an escape JSON does not know is refused, quoting the string as written', () => {
    // `\q` is no JSON escape (JSON has \" \\ \/ \b \f \n \r \t \uXXXX); the message quotes the
    // value as written, then the whole expression as a JSON string (each \ doubled, each " escaped).
    expect(valueOf(String.raw`scenario == "a\qb"`)).toEqual({
      refused: String.raw`expected a string with JSON escapes, found "a\qb" in "scenario == \"a\\qb\""`,
    });
    // A \u escape needs four hex digits.
    expect(valueOf(String.raw`scenario == "\u12"`)).toEqual({
      refused: String.raw`expected a string with JSON escapes, found "\u12" in "scenario == \"\\u12\""`,
    });
  });

  it('with a bad escape in a file is a scenario error at the item', () => {
    // Line 1 name, 2 duration, 3 `expect:`, 4 the item; "  - " is 4 characters, so the single-quoted
    // scalar (YAML keeps its backslash) starts at column 5.
    expect(errorsOf(lines(MINIMAL, 'expect:', String.raw`  - 'scenario == "a\qb"'`))).toEqual([
      String.raw`test.yaml:4:5: expect[0]: expected a string with JSON escapes, found "a\qb" in "scenario == \"a\\qb\""`,
    ]);
  });
});

describe('a number value', () => {
  it('is read in exponent form with several digits before the exponent', () => {
    expect(valueOf('x < 12e3')).toBe(12_000); // 12 * 10^3
  });

  it('is read in exponent form with several fraction digits', () => {
    expect(valueOf('x < 1.25e2')).toBe(125); // 1.25 * 100
    expect(valueOf('x < .25e2')).toBe(25); // 0.25 * 100
    expect(valueOf('x > -.25e2')).toBe(-25);
  });

  it('is read with a signed exponent', () => {
    expect(valueOf('x < 1e-3')).toBe(0.001);
    expect(valueOf('x < 2.5e+3')).toBe(2500); // 2.5 * 1000
    expect(valueOf('x < 2E+3')).toBe(2000); // the exponent letter in either case
  });

  it('is read with an exponent of several digits', () => {
    expect(valueOf('server.bytesServed < 1e10')).toBe(10_000_000_000);
    expect(valueOf('x < 5e-12')).toBe(5e-12);
  });

  it('is taken exactly, not rounded to whole milliseconds or bytes as a unit would be', () => {
    // 0.9999999999 is 1e-10 short of 1: within the tolerance a duration rounds away
    // (units.ts roundIfWhole), but a plain number is no duration and stays as written.
    expect(valueOf('fleet.updatedFraction >= 0.9999999999')).toBe(0.9999999999);
    expect(valueOf('x > 0.0000000001')).toBe(1e-10);
  });

  it('that ends in digits after a unit is refused, not read as a number', () => {
    // `1h5` is a duration missing its last unit: no number, and no duration either.
    expect(valueOf('rollout.duration < 1h5')).toEqual({ refused: `${NOT_A_VALUE}, found "1h5" in "rollout.duration < 1h5"` });
  });

  it('with a unit and a minus sign is zero, never minus zero, when the amount is zero', () => {
    // -1 * 0 ms is -0 in JavaScript; the reader folds it to 0, as units.ts does for "-0s".
    const value = valueOf('etcd.quorumLost > -0s');
    expect(Object.is(value, 0)).toBe(true);
    expect(valueOf('x > -3m')).toBe(-180_000); // 3 * 60_000 ms
  });
});

describe('expectations read by a scenario module imported afresh', () => {
  const FORM = 'expected an expectation like "rollout.duration <= 3d" or "p95(rollout.duration) <= 2d"';

  it('accept each of the six aggregates over a dotted path', async () => {
    const fresh = await freshScenarioModule();
    for (const aggregate of ['p50', 'p95', 'p99', 'max', 'min', 'mean'] as const) {
      // 2d = 2 * 86_400_000 ms
      expect(fresh.parseExpectation(`${aggregate}(rollout.duration) <= 2d`), aggregate).toEqual({
        ok: true,
        expectation: { expr: `${aggregate}(rollout.duration) <= 2d`, aggregate, path: 'rollout.duration', op: '<=', value: 172_800_000 },
      });
    }
  });

  it('refuse an unknown aggregate with the list of the six', async () => {
    const fresh = await freshScenarioModule();
    expect(fresh.parseExpectation('p90(rollout.duration) <= 2d')).toEqual({
      ok: false,
      message: 'expected an aggregate p50, p95, p99, max, min, mean, found "p90" in "p90(rollout.duration) <= 2d"',
    });
  });

  it('read a plain path with list indices and dashes', async () => {
    const fresh = await freshScenarioModule();
    expect(fresh.parseExpectation('etcd.outages.0.start-time != null')).toEqual({
      ok: true,
      expectation: { expr: 'etcd.outages.0.start-time != null', aggregate: null, path: 'etcd.outages.0.start-time', op: '!=', value: null },
    });
  });

  it('refuse a malformed expression with the form of an expectation', async () => {
    const fresh = await freshScenarioModule();
    expect(fresh.parseExpectation('rollout.completed = true')).toEqual({ ok: false, message: `${FORM}, found "rollout.completed = true"` });
    expect(fresh.parseExpectation(7)).toEqual({ ok: false, message: `${FORM}, found the number 7` });
  });

  it('give a file with a malformed expectation its located error', async () => {
    const fresh = await freshScenarioModule();
    const result = fresh.parseScenario(lines(MINIMAL, 'expect:', '  - rollout.completed', '  - p95(rollout.duration) <= 2d'), 'test.yaml');
    // Line 4 is the first item; its scalar starts after "  - ", at column 5.
    expect(result.ok ? [] : result.errors.map(fresh.formatScenarioError)).toEqual([`test.yaml:4:5: expect[0]: ${FORM}, found "rollout.completed"`]);
  });
});
