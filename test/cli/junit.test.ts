/**
 * The JUnit writer (sim/cli/junit.ts): output is well-formed XML whatever the names hold
 * (checked with a small structural checker, itself tested to reject broken XML), counts add up,
 * and failures carry their message and details.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, toJUnitXml, type JUnitSuite } from '../../sim/cli/junit.ts';
import { checkXml } from './xml-check.ts';

const suite = (name: string, caseNames: string[], failing: number[] = []): JUnitSuite => ({
  name,
  file: `scenarios/${name}.yaml`,
  timeSeconds: 1.5,
  properties: [['seeds', '1,2,3']],
  cases: caseNames.map((n, i) => ({
    name: n,
    classname: `fleetsim.${name}`,
    ...(failing.includes(i) ? { failure: { message: `${n} failed`, type: 'expectation', details: 'reproduce: npx fleetsim run x --seed 1' } } : {}),
  })),
});

describe('xml-check (the test helper)', () => {
  it('rejects unbalanced tags, raw ampersands, a missing declaration and two roots', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(checkXml(`${head}<a><b></a></b>`).problems).not.toEqual([]);
    expect(checkXml(`${head}<a>x & y</a>`).problems).not.toEqual([]);
    expect(checkXml(`${head}<a b="<"/>`).problems).not.toEqual([]);
    expect(checkXml('<a/>').problems).not.toEqual([]);
    expect(checkXml(`${head}<a/><b/>`).problems).not.toEqual([]);
    expect(checkXml(`${head}<a x="1" x="2"/>`).problems).not.toEqual([]);
    expect(checkXml(`${head}<a><b c="&amp;"/>t &lt; u</a>`).problems).toEqual([]);
  });
});

describe('toJUnitXml', () => {
  it('writes one testsuite per scenario and one testcase per expectation, with totals', () => {
    const xml = toJUnitXml([suite('a', ['x == 1', 'y < 2'], [1]), suite('b', ['z >= 0'])], 'fleetsim check');
    const { problems, root } = checkXml(xml);
    expect(problems).toEqual([]);
    expect(root?.name).toBe('testsuites');
    expect(root?.attributes).toMatchObject({ tests: '3', failures: '1', errors: '0', time: '3.000' });
    expect(root?.children.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures])).toEqual([
      ['a', '2', '1'],
      ['b', '1', '0'],
    ]);
    const failed = root?.children[0].children.find((c) => c.attributes.name === 'y < 2');
    expect(failed?.children[0].name).toBe('failure');
    expect(failed?.children[0].attributes.message).toBe('y < 2 failed');
    expect(failed?.children[0].text).toContain('--seed 1');
  });

  it('stays well-formed and round-trips any names, messages and details (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), fc.string({ unit: 'binary' }), (names, details) => {
        const xml = toJUnitXml(
          [{ name: names[0], cases: names.map((n) => ({ name: n, classname: n, failure: { message: n, type: 't', details } })) }],
          names[0],
        );
        const { problems, root } = checkXml(xml);
        expect(problems).toEqual([]);
        // Characters XML cannot carry become U+FFFD; everything else comes back as written.
        const legal = (s: string) => [...s].map((ch) => (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/u.test(ch) ? '\ufffd' : ch)).join('');
        const cases = root?.children[0].children.filter((c) => c.name === 'testcase') ?? [];
        expect(cases.map((c) => c.attributes.name)).toEqual(names.map(legal));
        expect(cases[0].children[0].text).toBe(legal(details));
      }),
      { numRuns: 200 },
    );
  });

  it('escapeXml escapes the five entities and replaces characters XML 1.0 forbids', () => {
    expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(escapeXml('tab\tnew\nline\r')).toBe('tab\tnew\nline&#13;');
    expect(escapeXml('tab\tnew\nline', true)).toBe('tab&#9;new&#10;line');
    expect(escapeXml('bell\u0007')).toBe('bell\ufffd');
    expect(escapeXml('\ud800')).toBe('\ufffd');
  });
});
