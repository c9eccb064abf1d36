// The workloads section (docs/scenario-format.md "workloads", docs/workloads.md): the services a
// fleet runs, as Docker containers under systemd or Kubernetes pods with a PodDisruptionBudget.
// Each entry is one workload; its instances are placed on the fleet's nodes at the start.
// Cross-section checks (groups exist, etcd for discovery) are in checkWorkloadReferences.

import { z } from 'zod';
import { describeFound } from './units.ts';
import { durationRangeMs, int, name, strict } from './fields.ts';

/** At most 256 workloads: the instance table keeps a workload index in one byte. */
export const MAX_WORKLOADS = 256;
/** A bound on instances per workload (the instance table is typed arrays, ~35 bytes an instance). */
export const MAX_REPLICAS = 10_000_000;

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

// minAvailable: a count, or "N%" of the replicas (Kubernetes IntOrString, rounded up).
const minAvailable = () =>
  z
    .union([z.number(), z.string()], { error: (issue) => `expected a count like 27 or a percentage like "90%", found ${describeFound(issue.input)}` })
    .transform((input, ctx): number | `${number}%` => {
      if (typeof input === 'number') {
        if (Number.isInteger(input) && input >= 0) return input;
      } else {
        const match = PERCENT.exec(input.trim());
        if (match !== null && Number.isInteger(Number(match[1])) && Number(match[1]) <= 100) return `${Number(match[1])}%`;
      }
      ctx.addIssue({ code: 'custom', message: `expected a whole count >= 0 or a whole percentage "0%".."100%", found ${describeFound(input)}`, input });
      return z.NEVER;
    })
    .meta({ description: 'a count of ready instances, or "N%" of the replicas (rounded up, as a PodDisruptionBudget)' });

export const workloadSchema = () =>
  strict({
    name: name('workload name'),
    replicas: int(1, MAX_REPLICAS),
    // Fleet groups it may run on; null = every group.
    groups: z.array(name('fleet group name')).min(1).nullable().prefault(null),
    placement: z.enum(['spread', 'pack']).prefault('spread'),
    minAvailable: minAvailable(),
    quorum: int(1, MAX_REPLICAS).nullable().prefault(null),
    startup: durationRangeMs().prefault({ min: '10s', max: '30s' }),
    // null: follows the agent (kured: Kubernetes reschedules; locksmithd: systemd restarts in place).
    reschedule: z.boolean().nullable().prefault(null),
    discovery: z.enum(['etcd']).nullable().prefault(null),
  }).check((ctx) => {
    const w = ctx.value;
    if (typeof w.minAvailable === 'number' && w.minAvailable > w.replicas) {
      ctx.issues.push({ code: 'custom', message: `expected minAvailable <= replicas (${w.replicas}), found ${w.minAvailable}`, input: w.minAvailable, path: ['minAvailable'] });
    }
    if (w.quorum !== null && w.quorum > w.replicas) {
      ctx.issues.push({ code: 'custom', message: `expected quorum <= replicas (${w.replicas}), found ${w.quorum}`, input: w.quorum, path: ['quorum'] });
    }
  });

export const workloadsSchema = () =>
  z
    .array(workloadSchema())
    .max(MAX_WORKLOADS)
    .check((ctx) => {
      const names = ctx.value.map((w) => w.name);
      names.forEach((workloadName, i) => {
        if (names.indexOf(workloadName) !== i) {
          ctx.issues.push({ code: 'custom', message: `expected unique workload names, found "${workloadName}" again`, input: workloadName, path: [i, 'name'] });
        }
      });
    });

export type Workload = z.output<ReturnType<typeof workloadSchema>>;

/** Checks against other sections: the groups exist, discovery has an etcd cluster. */
export function checkWorkloadReferences(
  workloads: readonly Workload[],
  groupNames: readonly string[] | undefined,
  etcdMembers: number | undefined,
  push: (path: (string | number)[], message: string) => void,
): void {
  workloads.forEach((w, i) => {
    w.groups?.forEach((group, j) => {
      if (groupNames !== undefined && !groupNames.includes(group)) {
        push(['workloads', i, 'groups', j], `expected a group of fleet.groups (${groupNames.join(', ') || 'none'}), found "${group}"`);
      }
    });
    if (w.discovery === 'etcd' && etcdMembers === 0) {
      push(['workloads', i, 'discovery'], 'expected an etcd cluster for discovery: etcd (etcd.members >= 1), found etcd.members 0');
    }
  });
}
