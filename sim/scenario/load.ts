// Loading a scenario: YAML (or JSON, which is YAML) text -> a validated, normalised Scenario, or
// every error in the file at once, each with its line, column, key path and what was expected.
// Pure: the caller reads the file and passes its text and name.

import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { describeFound } from './units.ts';
import { scenarioSchema, SECTION_SCHEMAS, type Scenario } from './schema.ts';
import { checkReferences, pathText, type IssuePath, type ReferenceIssue } from './references.ts';
import { locate } from './locate.ts';
import { applyOverrides, type AppliedOverride } from './overrides.ts';

export interface ScenarioError {
  file: string;
  /** 1-based; 0 when the error does not come from the file (a bad override path). */
  line: number;
  column: number;
  /** The key path, like fleet.groups[1].nodes ("" for the whole document). */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; scenario: Scenario; raw: unknown } | { ok: false; errors: ScenarioError[] };

export interface ParseOptions {
  /** Dotted path -> value, applied to the raw document before validation (see overrides.ts). */
  overrides?: Readonly<Record<string, unknown>>;
}

/** `file:line:col: path: message`; without a position, `file: path: message`. */
export function formatScenarioError(e: ScenarioError): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
  return e.path === '' ? `${where}: ${e.message}` : `${where}: ${e.path}: ${e.message}`;
}

export function parseScenario(text: string, fileName: string, options: ParseOptions = {}): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error): ScenarioError => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { file: fileName, line, column: col, path: '', message: `YAML syntax: ${firstLine(error.message)}` };
    });
    return { ok: false, errors: sortErrors(errors) };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, errors: [{ file: fileName, line: 1, column: 1, path: '', message: `YAML: ${firstLine(String(error))}` }] };
  }
  let applied: AppliedOverride[] = [];
  if (options.overrides !== undefined && Object.keys(options.overrides).length > 0) {
    const result = applyOverrides(raw, options.overrides);
    if (!result.ok) {
      return { ok: false, errors: result.errors.map((e) => ({ file: fileName, line: 0, column: 0, path: e.path, message: `override: ${e.message}` })) };
    }
    raw = result.raw;
    applied = result.applied;
  }
  return validate(raw, { file: fileName, doc, lineCounter, applied });
}

interface Context {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  applied: AppliedOverride[];
}

function validate(raw: unknown, context: Context): ParseResult {
  const parsed = scenarioSchema.safeParse(raw, { error: errorMessage });
  const problems: ReferenceIssue[] = [];
  let sections: Partial<Scenario>;
  if (parsed.success) {
    sections = parsed.data;
  } else {
    problems.push(...parsed.error.issues.flatMap((issue) => flatten(issue)));
    sections = parseSectionsAlone(raw);
  }
  problems.push(...checkReferences(sections));
  if (problems.length === 0 && parsed.success) return { ok: true, scenario: parsed.data, raw };
  const errors = problems.map((problem) => toScenarioError(problem, context));
  return { ok: false, errors: sortErrors(errors) };
}

// Each section on its own, so that reference checks can run on the sections that are valid
// while another section has errors.
function parseSectionsAlone(raw: unknown): Partial<Scenario> {
  const sections: Record<string, unknown> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return sections;
  for (const [key, make] of Object.entries(SECTION_SCHEMAS)) {
    const result = make().safeParse((raw as Record<string, unknown>)[key]);
    if (result.success) sections[key] = result.data;
  }
  return sections as Partial<Scenario>;
}

// ---------------------------------------------------------------------------------------------
// zod issues -> problems with a path and a message

type Issue = z.core.$ZodIssue;

// Codes by which a union branch says "this is not my kind of value at all"; such a branch's
// complaint is noise next to the branch that accepted the shape and found a real problem.
const TYPE_REJECTIONS = new Set(['invalid_type', 'invalid_union', 'invalid_value']);

// describeFound(undefined), as zod's messages end for a value that is not there.
const FOUND_NOTHING = ', found nothing';

function flatten(issue: Issue, prefix: IssuePath = []): ReferenceIssue[] {
  const path = [...prefix, ...(issue.path as IssuePath)];
  if (issue.code === 'unrecognized_keys') {
    const lines = issue.message.split('\n');
    return issue.keys.map((key, i) => ({ path: [...path, key], message: lines[i] ?? `unknown key "${key}"`, atKey: true }));
  }
  if (issue.code === 'invalid_union') {
    const relevant = issue.errors.filter((branch) => !branch.some((b) => b.path.length === 0 && TYPE_REJECTIONS.has(b.code)));
    if (relevant.length > 0) return relevant[0].flatMap((inner) => flatten(inner, path));
  }
  // "found nothing" is describeFound(undefined): YAML and JSON have no undefined, so the key is
  // missing (or an override set it to undefined, which is the same); the root is never missing
  // (an empty file is null), so the path has a last key.
  if (issue.message.endsWith(FOUND_NOTHING)) {
    const expected = issue.message.slice(0, -FOUND_NOTHING.length);
    return [{ path, message: `missing required key "${String(path.at(-1))}" (${expected})` }];
  }
  return [{ path, message: issue.message }];
}

const EXPECTED_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

/**
 * zod's messages rewritten to say what was expected and what was found (the error map every
 * parse passes to zod). Exported for its own tests, which also cover issue kinds that no field
 * of today's schema raises without a message of its own.
 */
export function errorMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const found = describeFound(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED_NOUNS[issue.expected] ?? issue.expected}, found ${found}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map((v) => String(v)).join(', ')}; found ${found}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}, found ${Array.isArray(issue.input) ? issue.input.length : found}`
        : `expected at least ${String(issue.minimum)}, found ${found}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}, found ${found}`;
    case 'invalid_union':
      return `expected one of the accepted forms, found ${found}`;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

function toScenarioError(problem: ReferenceIssue, context: Context): ScenarioError {
  const located = locate(context.doc, context.lineCounter, problem.path, { atKey: problem.atKey ?? false });
  let message = problem.message;
  const override = context.applied.find((o) => startsWith(problem.path, o.segments) || startsWith(o.segments, problem.path));
  if (override !== undefined) message += ` (from override ${override.path})`;
  return { file: context.file, line: located.position.line, column: located.position.column, path: pathText(problem.path), message };
}

function startsWith(path: IssuePath, prefix: IssuePath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

function sortErrors(errors: ScenarioError[]): ScenarioError[] {
  return errors.sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
