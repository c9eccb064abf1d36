// Export of a session as a scenario: the text the session started from, with the faults and
// actions injected by hand appended to `faults:` / `actions:` at the simulated time (ms) they
// were applied, and `seed:` set to the session's seed. Written through the `yaml` package's
// document model, so the file's comments and key order survive. Replaying the export
// (`fleetsim run`, or new FleetRun(parse(text), {seed})) to the same time gives the same trace
// hash as the session: FleetRun applies timeline items after every event at or before their time,
// exactly when the session injected them (see session.ts for the one ordering rule it enforces).

import { isMap, isSeq, parseDocument } from 'yaml';
import type { InjectedItem } from '../shared/protocol.ts';

export function exportScenario(originalText: string, seed: number, injected: readonly InjectedItem[]): string {
  const doc = parseDocument(originalText);
  if (!isMap(doc.contents)) throw new Error('the scenario is not a mapping');
  doc.set('seed', seed);
  for (const item of injected) {
    const key = item.kind === 'fault' ? 'faults' : 'actions';
    const list = doc.get(key);
    const entry = doc.createNode({ at: item.at, ...withoutAt(item.item) });
    // Flow style keeps one injected item per line, as in docs/scenario-format.md's examples.
    entry.flow = true;
    if (isSeq(list)) list.add(entry);
    else doc.set(key, doc.createNode([entry]));
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function withoutAt(item: Record<string, unknown>): Record<string, unknown> {
  const { at: _at, ...rest } = item;
  return rest;
}

/** `default-seed7-t3h20m.yaml`: what the browser offers to save the export as. */
export function exportFileName(scenarioName: string, seed: number, timeMs: number): string {
  const safe = scenarioName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'scenario';
  return `${safe}-seed${seed}-t${Math.round(timeMs)}ms.yaml`;
}
