// Several files' fragments into one scenario: a fleet (from a node list, or --nodes), the values
// each file gave at their paths (a later file's value for the same path wins, and the override is
// said), the defaults a runnable scenario needs (a horizon, a release to roll out, etcd when the
// reboot lock lives there), and, for every value, the file and line it came from. Pure.

import { formatSource, type Fragment, type SourceRef, type Unmapped } from './fragment.ts';

/** The release an imported scenario rolls out (newer than the fleet's default 3760.2.0). */
export const IMPORT_RELEASE = { version: '3815.2.0', at: '1h' };
/** Long enough for a weekly window with one slot to reach a few dozen nodes. */
export const IMPORT_DURATION = '28d';
export const DEFAULT_IMPORT_NODES = 10;
/** Members of the simulated etcd when the lock needs one and no file says how many. */
const DEFAULT_ETCD_MEMBERS = 3;

export interface Cited {
  source: SourceRef | null;
  from: string;
}

export interface Combined {
  scenario: Record<string, unknown>;
  /** Dotted scenario path -> where its value came from, in the order first set. */
  sources: Map<string, Cited>;
  unmapped: Unmapped[];
  /** Said on stderr too: a value one file set and a later one changed. */
  notes: string[];
}

export function pathKey(path: readonly (string | number)[]): string {
  return path.join('.');
}

function setIn(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]] = structuredClone(value);
}

export function combine(fragments: readonly Fragment[], files: readonly string[], nodes: number | null): Combined {
  const sources = new Map<string, Cited>();
  const unmapped = fragments.flatMap((f) => f.unmapped);
  const notes: string[] = [];
  const cite = (path: readonly (string | number)[], cited: Cited) => sources.set(pathKey(path), cited);

  const groups = fragments.flatMap((f) => f.groups);
  const fleetGroups =
    groups.length > 0
      ? groups.map((g) => ({ name: g.name, nodes: g.nodes, zones: g.zones.length > 0 ? g.zones : ['a'] }))
      : [{ name: 'nodes', nodes: nodes ?? DEFAULT_IMPORT_NODES, zones: ['a'] }];
  const scenario: Record<string, unknown> = {
    name: 'imported',
    description: `Imported by fleetsim import from ${files.join(', ')}.`,
    duration: IMPORT_DURATION,
    fleet: { groups: fleetGroups },
    releases: [{ ...IMPORT_RELEASE }],
    // The one target every fleet has; `check` then fails when the configuration cannot finish.
    expect: ['rollout.completed == true'],
  };
  groups.forEach((g, i) => cite(['fleet', 'groups', i], { source: g.source, from: `${g.nodes} nodes with role ${g.name}` }));
  if (groups.length === 0) cite(['fleet', 'groups', 0, 'nodes'], { source: null, from: nodes === null ? `no node list: the default ${DEFAULT_IMPORT_NODES} (--nodes N sets it)` : `--nodes ${nodes}` });
  cite(['releases', 0], { source: null, from: 'a release to roll out (not in any configuration)' });
  cite(['expect'], { source: null, from: 'what must hold: add your own targets (p95(rollout.duration) <= 7d, ...)' });

  const written = new Map<string, { value: unknown; source: SourceRef }>();
  const special: { path: readonly (string | number)[]; value: unknown; source: SourceRef; from: string }[] = [];
  for (const fragment of fragments) {
    for (const v of fragment.values) {
      if (typeof v.path[0] === 'string' && v.path[0].startsWith('$')) {
        special.push(v);
        continue;
      }
      const key = pathKey(v.path);
      const before = written.get(key);
      if (before !== undefined && JSON.stringify(before.value) !== JSON.stringify(v.value)) {
        notes.push(`${formatSource(v.source)}: ${key} = ${JSON.stringify(v.value)} replaces ${JSON.stringify(before.value)} from ${formatSource(before.source)}`);
      }
      written.set(key, { value: v.value, source: v.source });
      setIn(scenario, v.path, v.value);
      cite(v.path, { source: v.source, from: v.from });
    }
  }
  applySpecial(scenario, special, cite, unmapped);

  const reboot = (scenario.reboot ?? {}) as Record<string, unknown>;
  const needsEtcd = reboot.agent === 'kured' || reboot.strategy === 'etcd-lock' || reboot.strategy === 'fleet-lock';
  if (needsEtcd && !written.has('etcd.members')) {
    setIn(scenario, ['etcd', 'members'], DEFAULT_ETCD_MEMBERS);
    cite(['etcd', 'members'], { source: null, from: `the reboot lock lives in etcd; ${DEFAULT_ETCD_MEMBERS} members assumed (no file lists endpoints)` });
  }
  return { scenario, sources, unmapped, notes };
}

/** `$channel` (every group's channel and the release's) and `$lockGroups.<name>` (airlock's slots). */
function applySpecial(
  scenario: Record<string, unknown>,
  special: readonly { path: readonly (string | number)[]; value: unknown; source: SourceRef; from: string }[],
  cite: (path: readonly (string | number)[], cited: Cited) => void,
  unmapped: Unmapped[],
): void {
  const fleetGroups = (scenario.fleet as { groups: { name: string; channel?: string }[] }).groups;
  for (const s of special) {
    if (s.path[0] === '$channel') {
      fleetGroups.forEach((g, i) => {
        g.channel = String(s.value);
        cite(['fleet', 'groups', i, 'channel'], { source: s.source, from: s.from });
      });
      (scenario.releases as Record<string, unknown>[])[0].channel = String(s.value);
      cite(['releases', 0, 'channel'], { source: s.source, from: s.from });
    } else if (s.path[0] === '$lockGroups') {
      const name = String(s.path[1]);
      const reboot = (scenario.reboot ?? {}) as Record<string, unknown>;
      if (fleetGroups.some((g) => g.name === name)) {
        setIn(scenario, ['reboot', 'groups', name], { lockGroup: name, maxConcurrent: s.value });
        cite(['reboot', 'groups', name], { source: s.source, from: s.from });
      } else if (reboot.lockGroup === name) {
        setIn(scenario, ['reboot', 'maxConcurrent'], s.value);
        cite(['reboot', 'maxConcurrent'], { source: s.source, from: `${s.from} (the nodes' lock group)` });
      } else {
        unmapped.push({ source: s.source, message: `lock group ${name}: no fleet group of that name and not the nodes' group (identity.group / LOCKSMITHD_GROUP)` });
      }
    }
  }
}
