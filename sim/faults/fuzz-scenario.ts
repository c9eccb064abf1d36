import { Document, isCollection, isScalar, isSeq, visit } from 'yaml';
import { assert } from '../engine/assert.ts';
import { formatDuration } from '../scenario/units.ts';
import type { FuzzSchedule, RawFault } from './fuzz-schedule.ts';

/**
 * Standalone scenarios for `fleetsim fuzz`: a seed's fault schedule written into a copy of the
 * scenario file (its raw document, as the user wrote it) with exact times, the seed, a horizon
 * that holds the liveness phase, and one expectation, `invariants.violations == 0`, so that
 * `fleetsim run FILE` exits 1 exactly when the violation reproduces. And the transformations
 * the shrinker tries on such a document: fewer faults, fewer nodes, a shorter horizon. Pure.
 */
export type RawScenario = Record<string, unknown>;

export const REPRO_EXPECT = 'invariants.violations == 0';

/** The document of one fuzz run: the scenario's own faults first, then the drawn ones. */
export function fuzzScenario(raw: RawScenario, schedule: FuzzSchedule, seed: number): RawScenario {
  const own = Array.isArray(raw.faults) ? (raw.faults as unknown[]) : [];
  const doc: RawScenario = { ...raw };
  delete doc.fuzz;
  doc.name = `${String(raw.name)}-fuzz-${seed}`;
  doc.description = `fleetsim fuzz of ${String(raw.name)}, seed ${seed}: ${schedule.faults.length} faults drawn in the safety phase, all healed by ${formatDuration(schedule.lastHealMs)}, then the liveness phase.`;
  doc.seed = seed;
  doc.duration = formatDuration(schedule.horizonMs);
  doc.faults = [...own, ...schedule.faults];
  doc.expect = [REPRO_EXPECT];
  return doc;
}

/** YAML text of a scenario document, with the header that points editors at the schema. */
export function scenarioText(doc: RawScenario, comment: string): string {
  const header = ['# yaml-language-server: $schema=../docs/scenario.schema.json', ...comment.split('\n').map((line) => `# ${line}`.trimEnd())];
  // Collections of plain values go on one line ({at: 1h, kind: ...}, [0, 17, 42]), as people
  // write scenario files.
  const yaml = new Document(doc);
  // visit() goes parents first, so each pass flows one more level of nesting: three suffice for
  // faults ({at, kind, sides: [[...]]}).
  for (let pass = 0; pass < 3; pass++) flowPlainCollections(yaml);
  return `${header.join('\n')}\n${yaml.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}

function flowPlainCollections(yaml: Document): void {
  visit(yaml, {
    Map: (_key, node) => {
      if (node.items.every((pair) => isScalar(pair.value) || (isCollection(pair.value) && pair.value.flow === true))) node.flow = true;
    },
    Seq: (_key, node) => {
      // A list of mappings (groups, faults) stays one item per line; `sides` lists of lists flow.
      if (node.items.every((item) => isScalar(item) || (isSeq(item) && item.flow === true))) node.flow = true;
    },
  });
}

export function faultsOf(doc: RawScenario): unknown[] {
  return Array.isArray(doc.faults) ? (doc.faults as unknown[]) : [];
}

export function withFaults(doc: RawScenario, faults: readonly unknown[]): RawScenario {
  return { ...doc, faults: [...faults] };
}

export function withDuration(doc: RawScenario, durationMs: number): RawScenario {
  assert(Number.isSafeInteger(durationMs) && durationMs > 0, `a horizon must be whole ms > 0, got ${durationMs}`);
  return { ...doc, duration: formatDuration(durationMs) };
}

/** Total nodes of a document's groups. */
export function nodeCountOf(doc: RawScenario): number {
  const groups = ((doc.fleet as RawScenario | undefined)?.groups ?? []) as { nodes?: number }[];
  return groups.reduce((sum, g) => sum + (g.nodes ?? 0), 0);
}

/**
 * The document with each group's nodes scaled by `factor` (at least 1 per group, and at least
 * the etcd members when they live on the fleet). Faults naming nodes that no longer exist lose
 * them; a fault left without nodes is dropped. Returns null when nothing would change.
 */
export function withFewerNodes(doc: RawScenario, factor: number, onlyGroup = -1): RawScenario | null {
  assert(factor > 0 && factor < 1, `scale factor ${factor} outside (0, 1)`);
  const fleet = (doc.fleet ?? {}) as RawScenario;
  const groups = (fleet.groups ?? []) as RawScenario[];
  const etcd = (doc.etcd ?? {}) as RawScenario;
  const minimum = etcd.placement === 'fleet' ? Number(etcd.members ?? 0) : 0;
  let changed = false;
  const scaled = groups.map((group, i) => {
    const nodes = Number(group.nodes ?? 0);
    if (onlyGroup >= 0 && i !== onlyGroup) return group;
    const next = Math.max(1, Math.floor(nodes * factor));
    if (next >= nodes) return group;
    changed = true;
    return { ...group, nodes: next };
  });
  if (!changed) return null;
  const total = scaled.reduce((sum, g) => sum + Number(g.nodes ?? 0), 0);
  if (total < minimum) return null;
  const faults: unknown[] = [];
  for (const fault of faultsOf(doc)) {
    const kept = keepNodesBelow(fault as RawFault, total);
    if (kept !== null) faults.push(kept);
  }
  return { ...doc, fleet: { ...fleet, groups: scaled }, faults };
}

/** A fault with node references >= `count` removed; null when none is left to hit. */
function keepNodesBelow(fault: RawFault, count: number): RawFault | null {
  const target = fault.target as { nodes?: number[] } | undefined;
  if (target?.nodes !== undefined) {
    const nodes = target.nodes.filter((n) => n < count);
    return nodes.length === 0 ? null : { ...fault, target: { ...target, nodes } };
  }
  if (fault.kind === 'partition' && Array.isArray(fault.sides)) {
    const sides = (fault.sides as string[][])
      .map((side) => side.filter((item) => !/^node:\d+$/.test(item.trim()) || Number(item.trim().slice(5)) < count))
      .filter((side) => side.length > 0);
    return sides.length === 0 ? null : { ...fault, sides };
  }
  return fault;
}
