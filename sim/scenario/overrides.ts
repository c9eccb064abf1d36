// Overrides set values on a scenario's raw document before validation: `sweep --set
// reboot.maxConcurrent=1,2,4` and `run --duration 2d` use them. Paths are dotted; a list element
// is chosen by index (`fleet.groups[1].nodes`, `fleet.groups.1.nodes`) or by its name or version
// (`fleet.groups.prod.nodes`, `releases[3815.2.0].size`). Missing mappings on the way are created;
// lists are never grown. The result is validated like the file itself, so an override cannot
// smuggle in a value the file could not hold.

import { parse as parseYaml } from 'yaml';
import { pathText } from './references.ts';

export type Segment = string | number;

export interface OverrideError {
  path: string;
  message: string;
}

export interface AppliedOverride {
  path: string;
  /** The path resolved against the document (names replaced by indices). */
  segments: Segment[];
}

export type OverrideResult = { ok: true; raw: unknown; applied: AppliedOverride[] } | { ok: false; errors: OverrideError[] };

/** Splits `fleet.groups[prod].nodes` into ['fleet', 'groups', 'prod', 'nodes'] (brackets keep dots). */
export function splitPath(path: string): string[] | null {
  const segments: string[] = [];
  const pattern = /([^.[\]]+)|\[([^\]]+)\]/g;
  let expectSeparator = false;
  let index = 0;
  while (index < path.length) {
    if (expectSeparator && path[index] === '.') {
      index++;
      expectSeparator = false;
      continue;
    }
    pattern.lastIndex = index;
    const match = pattern.exec(path);
    if (match === null || match.index !== index) return null;
    // A bare segment must follow a dot (or start the path); a bracket may follow anything.
    if (match[1] !== undefined && expectSeparator) return null;
    segments.push((match[1] ?? match[2]).trim());
    index = pattern.lastIndex;
    expectSeparator = true;
  }
  return segments.length === 0 || !expectSeparator ? null : segments;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns a copy of `raw` with every override applied, or every path that could not be set. */
export function applyOverrides(raw: unknown, overrides: Readonly<Record<string, unknown>>): OverrideResult {
  const root: unknown = raw === null || raw === undefined ? {} : structuredClone(raw);
  const errors: OverrideError[] = [];
  const applied: AppliedOverride[] = [];
  if (!isMapping(root)) return { ok: false, errors: [{ path: '', message: `expected the scenario to be a mapping, found ${Array.isArray(root) ? 'a list' : typeof root}` }] };
  for (const [path, value] of Object.entries(overrides)) {
    const result = setPath(root, path, value);
    if (typeof result === 'string') errors.push({ path, message: result });
    else applied.push({ path, segments: result });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, raw: root, applied };
}

function setPath(root: Record<string, unknown>, path: string, value: unknown): Segment[] | string {
  const segments = splitPath(path);
  if (segments === null) return `expected a path like reboot.maxConcurrent or fleet.groups[1].nodes, found ${JSON.stringify(path)}`;
  const resolved: Segment[] = [];
  let container: unknown = root;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const here = resolved.length === 0 ? 'the scenario' : pathText(resolved);
    if (Array.isArray(container)) {
      const index = /^\d+$/.test(segment)
        ? Number(segment)
        : container.findIndex((item) => isMapping(item) && (item.name === segment || item.version === segment));
      if (index < 0) return `cannot set ${path}: ${here} has no element named "${segment}"`;
      if (index >= container.length) return `cannot set ${path}: ${here} has ${container.length} elements, so there is no [${index}]`;
      resolved.push(index);
      if (last) container[index] = value;
      else container = container[index];
    } else if (isMapping(container)) {
      resolved.push(segment);
      if (last) container[segment] = value;
      else {
        if (container[segment] === undefined || container[segment] === null) container[segment] = {};
        container = container[segment];
      }
    } else {
      return `cannot set ${path}: ${here} is ${JSON.stringify(container)}, not a mapping or a list`;
    }
  }
  return resolved;
}

/**
 * Reads an override's value the way the file would: `5` is a number, `2h` a string, `null`
 * clears, `{min: 1s, max: 2s}` a mapping. An empty text is the empty string.
 */
export function parseOverrideValue(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    return parseYaml(text) as unknown;
  } catch {
    return text;
  }
}
