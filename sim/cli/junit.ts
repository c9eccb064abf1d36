// JUnit XML, the format CI systems read test results from (GitHub Actions test reporters such as
// dorny/test-reporter and mikepenz/action-junit-report, GitLab `artifacts:reports:junit`, Jenkins).
// The de-facto schema: <testsuites> of <testsuite name tests failures errors skipped time> of
// <testcase classname name file time>, each holding at most one <failure message type> or
// <error message type> with the details as text. Pure: suites in, text out.

export interface JUnitProblem {
  /** One line, shown by reporters next to the test name. */
  message: string;
  type: string;
  /** Free text: the failing seeds, the commands that reproduce them. */
  details: string;
}

export interface JUnitCase {
  name: string;
  classname: string;
  file?: string;
  /** Seconds; omitted when unknown. */
  timeSeconds?: number;
  failure?: JUnitProblem;
  error?: JUnitProblem;
}

export interface JUnitSuite {
  name: string;
  file?: string;
  timeSeconds?: number;
  properties?: ReadonlyArray<readonly [string, string]>;
  cases: readonly JUnitCase[];
}

/**
 * Escapes text for XML: the five predefined entities, and characters XML 1.0 forbids (most C0
 * controls, lone surrogates, U+FFFE/U+FFFF) replaced by U+FFFD, since not even a character
 * reference may carry them. A parser turns a raw CR into LF everywhere and a raw tab or line break
 * inside an attribute into a space, so those become character references to survive.
 */
export function escapeXml(text: string, inAttribute = false): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    else if (code === 0xd) out += '&#13;';
    else if (code === 0x9 || code === 0xa) out += inAttribute ? `&#${code};` : ch;
    else if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) out += '\ufffd';
    else out += ch;
  }
  return out;
}

function attributes(pairs: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  return pairs
    .filter((p): p is readonly [string, string | number] => p[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value), true)}"`)
    .join('');
}

const seconds = (s: number | undefined) => (s === undefined ? undefined : s.toFixed(3));

function problemXml(tag: 'failure' | 'error', problem: JUnitProblem): string {
  return `      <${tag}${attributes([['message', problem.message], ['type', problem.type]])}>${escapeXml(problem.details)}</${tag}>\n`;
}

function caseXml(c: JUnitCase): string {
  const open = `    <testcase${attributes([['classname', c.classname], ['name', c.name], ['file', c.file], ['time', seconds(c.timeSeconds)]])}`;
  if (c.failure === undefined && c.error === undefined) return `${open}/>\n`;
  let body = '';
  if (c.failure !== undefined) body += problemXml('failure', c.failure);
  if (c.error !== undefined) body += problemXml('error', c.error);
  return `${open}>\n${body}    </testcase>\n`;
}

export function toJUnitXml(suites: readonly JUnitSuite[], name: string): string {
  const count = (s: JUnitSuite, key: 'failure' | 'error') => s.cases.filter((c) => c[key] !== undefined).length;
  const totals = { tests: 0, failures: 0, errors: 0, time: 0 };
  let body = '';
  for (const suite of suites) {
    const failures = count(suite, 'failure');
    const errors = count(suite, 'error');
    totals.tests += suite.cases.length;
    totals.failures += failures;
    totals.errors += errors;
    totals.time += suite.timeSeconds ?? 0;
    body += `  <testsuite${attributes([
      ['name', suite.name],
      ['tests', suite.cases.length],
      ['failures', failures],
      ['errors', errors],
      ['skipped', 0],
      ['time', seconds(suite.timeSeconds)],
      ['file', suite.file],
    ])}>\n`;
    if (suite.properties !== undefined && suite.properties.length > 0) {
      body += '    <properties>\n';
      for (const [key, value] of suite.properties) body += `      <property${attributes([['name', key], ['value', value]])}/>\n`;
      body += '    </properties>\n';
    }
    for (const c of suite.cases) body += caseXml(c);
    body += '  </testsuite>\n';
  }
  const root = `<testsuites${attributes([['name', name], ['tests', totals.tests], ['failures', totals.failures], ['errors', totals.errors], ['time', seconds(totals.time)]])}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${body}</testsuites>\n`;
}
