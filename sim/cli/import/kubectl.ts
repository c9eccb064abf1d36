// Kubernetes: `kubectl get nodes,pods,pdb -o json` (a List). Nodes become the fleet, one group
// per node role (node-role.kubernetes.io/<role> labels; none: `workers`) with the zones of
// topology.kubernetes.io/zone; pods grouped by their owner (a Deployment through its ReplicaSet,
// a StatefulSet) become `workloads` with their replica counts; each PodDisruptionBudget that
// selects a workload's pods gives its minAvailable.

import { emptyFragment, type Fragment, type ImportedGroup, type SourceRef } from './fragment.ts';
import { isRecord, type YamlDoc } from './yaml-source.ts';

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const ROLE_PREFIX = 'node-role.kubernetes.io/';

type Obj = Record<string, unknown>;

export function isKubectlList(value: unknown): boolean {
  return isRecord(value) && value.kind === 'List' && Array.isArray(value.items) && value.items.some((i) => isRecord(i) && ['Node', 'Pod', 'PodDisruptionBudget'].includes(String(i.kind)));
}

function labelsOf(item: Obj): Record<string, string> {
  const metadata = isRecord(item.metadata) ? item.metadata : {};
  return isRecord(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
}

function nameOf(item: Obj): string {
  return isRecord(item.metadata) ? String(item.metadata.name) : '?';
}

function namespaceOf(item: Obj): string {
  return isRecord(item.metadata) && typeof item.metadata.namespace === 'string' ? item.metadata.namespace : 'default';
}

/** A node's role: the first node-role.kubernetes.io/<role> label (`master` is `control-plane`). */
function roleOf(labels: Record<string, string>): string {
  const role = Object.keys(labels).filter((k) => k.startsWith(ROLE_PREFIX)).map((k) => k.slice(ROLE_PREFIX.length)).sort()[0];
  if (role === undefined || role === '') return 'workers';
  return role === 'master' ? 'control-plane' : role;
}

interface Owner {
  kind: string;
  name: string;
}

/** The controller that owns a pod: a ReplicaSet's Deployment (the name less its pod-template-hash). */
function ownerOf(pod: Obj): Owner | null {
  const metadata = isRecord(pod.metadata) ? pod.metadata : {};
  const refs = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences.filter(isRecord) : [];
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  if (ref === undefined) return null;
  const kind = String(ref.kind);
  const name = String(ref.name);
  const hash = labelsOf(pod)['pod-template-hash'];
  if (kind === 'ReplicaSet' && hash !== undefined && name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: name.slice(0, -(hash.length + 1)) };
  return { kind, name };
}

/** matchLabels only (matchExpressions are listed as unmapped). */
function selects(pdb: Obj, pod: Obj): boolean {
  const spec = isRecord(pdb.spec) ? pdb.spec : {};
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const labels = labelsOf(pod);
  return namespaceOf(pdb) === namespaceOf(pod) && Object.keys(matchLabels).length > 0 && Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

interface WorkloadDraft {
  name: string;
  owner: Owner;
  namespace: string;
  pods: Obj[];
  source: SourceRef;
  /** The nodes its pods run on (spec.nodeName). */
  nodeNames: Set<string>;
}

export function importKubectlList(doc: YamlDoc): Fragment {
  const fragment = emptyFragment('kubectl List (nodes, pods, PDBs)');
  const items = (doc.value as { items: unknown[] }).items;
  const at = (i: number, ...rest: (string | number)[]) => doc.at(['items', i, ...rest]);
  const groupOfNode = new Map<string, string>();
  const groups = new Map<string, ImportedGroup & { zoneSet: Set<string> }>();
  const drafts = new Map<string, WorkloadDraft>();
  const pdbs: { pdb: Obj; index: number }[] = [];
  items.forEach((raw, i) => {
    if (!isRecord(raw)) return;
    if (raw.kind === 'Node') {
      const labels = labelsOf(raw);
      const role = roleOf(labels);
      const zone = ZONE_LABELS.map((l) => labels[l]).find((z) => z !== undefined);
      let group = groups.get(role);
      if (group === undefined) {
        group = { name: role, nodes: 0, zones: [], zoneSet: new Set(), source: at(i) };
        groups.set(role, group);
      }
      group.nodes++;
      if (zone !== undefined) group.zoneSet.add(zone);
      else fragment.unmapped.push({ source: at(i), message: `node ${nameOf(raw)}: no topology.kubernetes.io/zone label; its group's zones are those of its other nodes (or a)` });
      groupOfNode.set(nameOf(raw), role);
    } else if (raw.kind === 'Pod') {
      const owner = ownerOf(raw);
      if (owner === null || owner.kind === 'DaemonSet' || owner.kind === 'Node') {
        const why = owner === null ? 'has no owner (nothing recreates it: not a workload)' : owner.kind === 'DaemonSet' ? `belongs to DaemonSet ${owner.name} (one per node, drained with its node: not a workload)` : 'is a static pod (not a workload)';
        fragment.unmapped.push({ source: at(i), message: `pod ${namespaceOf(raw)}/${nameOf(raw)} ${why}` });
        return;
      }
      const key = `${namespaceOf(raw)}/${owner.kind}/${owner.name}`;
      let draft = drafts.get(key);
      if (draft === undefined) {
        draft = { name: owner.name, owner, namespace: namespaceOf(raw), pods: [], source: at(i, 'metadata', 'ownerReferences'), nodeNames: new Set() };
        drafts.set(key, draft);
      }
      draft.pods.push(raw);
      const node = isRecord(raw.spec) ? raw.spec.nodeName : undefined;
      if (typeof node === 'string') draft.nodeNames.add(node);
    } else if (raw.kind === 'PodDisruptionBudget') {
      pdbs.push({ pdb: raw, index: i });
    } else {
      fragment.unmapped.push({ source: at(i), message: `${String(raw.kind)} ${nameOf(raw)}: not read (only Node, Pod, PodDisruptionBudget)` });
    }
  });
  for (const g of groups.values()) fragment.groups.push({ name: g.name, nodes: g.nodes, zones: [...g.zoneSet].sort(), source: g.source });

  const names = new Map<string, number>();
  const allGroups = [...groups.keys()];
  [...drafts.values()].forEach((draft, index) => {
    // Two owners with one name in different namespaces: the scenario's names are unique.
    const seen = names.get(draft.name) ?? 0;
    names.set(draft.name, seen + 1);
    const name = seen === 0 ? draft.name : `${draft.namespace}-${draft.name}`;
    const onGroups = [...new Set([...draft.nodeNames].map((n) => groupOfNode.get(n)).filter((g): g is string => g !== undefined))].sort();
    const workload: Record<string, unknown> = { name, replicas: draft.pods.length, reschedule: true };
    if (onGroups.length > 0 && onGroups.length < allGroups.length) workload.groups = onGroups;
    fragment.values.push({ path: ['workloads', index], value: workload, source: draft.source, from: `${draft.pods.length} pods of ${draft.owner.kind} ${draft.namespace}/${draft.owner.name}` });
    const matching = pdbs.filter((p) => draft.pods.some((pod) => selects(p.pdb, pod)));
    const chosen = matching[0];
    if (chosen !== undefined) {
      const min = minAvailable(chosen.pdb, draft.pods.length);
      const spec = chosen.pdb.spec as Obj;
      const field = spec.minAvailable !== undefined ? 'minAvailable' : 'maxUnavailable';
      if (min !== null) fragment.values.push({ path: ['workloads', index, 'minAvailable'], value: min, source: at(chosen.index, 'spec', field), from: `PodDisruptionBudget ${nameOf(chosen.pdb)} ${field}: ${String(spec[field])}` });
    }
    for (const extra of matching.slice(1)) fragment.unmapped.push({ source: at(extra.index), message: `PodDisruptionBudget ${nameOf(extra.pdb)}: a second budget for ${name} (Kubernetes refuses evictions when pods match several; the first one is used)` });
  });
  for (const { pdb, index } of pdbs) {
    if (![...drafts.values()].some((d) => d.pods.some((pod) => selects(pdb, pod)))) {
      fragment.unmapped.push({ source: at(index), message: `PodDisruptionBudget ${nameOf(pdb)}: selects no pod of the list (only spec.selector.matchLabels is read)` });
    }
  }
  return fragment;
}

/**
 * The budget as a minAvailable: minAvailable as written (a count or "N%"); maxUnavailable as
 * replicas minus it, a percentage rounded up (kubernetes pkg/controller/disruption/disruption.go
 * getExpectedPodCount: GetScaledValueFromIntOrPercent(maxUnavailable, expectedCount, true)).
 */
function minAvailable(pdb: Obj, replicas: number): number | string | null {
  const spec = isRecord(pdb.spec) ? pdb.spec : {};
  if (typeof spec.minAvailable === 'number' || typeof spec.minAvailable === 'string') return spec.minAvailable;
  const max = spec.maxUnavailable;
  if (typeof max === 'number') return Math.max(0, replicas - max);
  if (typeof max === 'string' && /^\d+%$/.test(max)) return Math.max(0, replicas - Math.ceil((replicas * Number(max.slice(0, -1))) / 100));
  return null;
}
