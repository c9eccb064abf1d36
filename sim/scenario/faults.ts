// Faults injected on the timeline. Each kind is a mapping with `at` (a duration, or a range drawn
// from the seed) and the fields of that kind; `kind` picks the shape. Which nodes, zones, groups
// and etcd members a fault names is checked against the rest of the file in references.ts.

import { z } from 'zod';
import { describeFound } from './units.ts';
import { discriminatorMessage, durationMs, durationRangeMs, fraction, int, name, positiveDurationMs, signedDurationMs, strict } from './fields.ts';

/** `leader` (whoever leads when the fault fires) or a member index 0..members-1. */
const etcdMember = () => z.union([z.literal('leader'), int(0)], {
  error: (issue) => `expected "leader" or a member index (0, 1, ...), found ${describeFound(issue.input)}`,
});

/**
 * Which nodes (or which etcd member) a fault hits. Node selectors combine: `{group: prod, zone: a,
 * count: 10}` is 10 nodes of prod in zone a, picked from the seed. At least one selector.
 */
export const targetSchema = () =>
  strict({
    group: name('group name').optional(),
    zone: name('zone name').optional(),
    count: int(1).optional(),
    fraction: fraction().optional(),
    nodes: z.array(int(0)).optional(),
    etcd: etcdMember().optional(),
  }).check((ctx) => {
    const t = ctx.value;
    const selectors = ['group', 'zone', 'count', 'fraction', 'nodes', 'etcd'] as const;
    if (selectors.every((key) => t[key] === undefined)) {
      ctx.issues.push({ code: 'custom', message: `expected at least one selector (${selectors.join(', ')}), found none`, input: t });
    }
    if (t.count !== undefined && t.fraction !== undefined) {
      ctx.issues.push({ code: 'custom', message: 'expected count or fraction, found both', input: t, path: ['fraction'] });
    }
    if (t.nodes !== undefined && (t.count !== undefined || t.fraction !== undefined)) {
      ctx.issues.push({ code: 'custom', message: 'expected nodes or count/fraction, found both (nodes already says how many)', input: t, path: ['nodes'] });
    }
    if (t.etcd !== undefined && selectors.some((key) => key !== 'etcd' && t[key] !== undefined)) {
      ctx.issues.push({ code: 'custom', message: 'expected etcd alone (an etcd member is not picked from nodes), found it with node selectors', input: t, path: ['etcd'] });
    }
  });

export type Target = z.output<ReturnType<typeof targetSchema>>;

// Faults that hit fleet nodes take node selectors; faults that hit etcd take `{etcd}` only.
export const nodeTarget = () =>
  targetSchema().check((ctx) => {
    if (ctx.value.etcd !== undefined) {
      ctx.issues.push({ code: 'custom', message: 'expected a node target (group, zone, count, fraction, nodes), found etcd (use etcd-kill for members)', input: ctx.value, path: ['etcd'] });
    }
  });
const etcdTarget = () =>
  targetSchema().check((ctx) => {
    if (ctx.value.etcd === undefined) {
      ctx.issues.push({ code: 'custom', message: 'expected an etcd target like {etcd: leader} or {etcd: 2}, found node selectors', input: ctx.value });
    }
  });

// ---------------------------------------------------------------------------------------------
// Partition sides: `zone:a`, `group:prod`, `node:17`, `etcd:2`, `etcd:leader`, `server`.

export type PartitionMember =
  | { kind: 'zone'; zone: string }
  | { kind: 'group'; group: string }
  | { kind: 'node'; node: number }
  | { kind: 'etcd'; etcd: number | 'leader' }
  | { kind: 'server' };

const MEMBER_EXPECTED = 'zone:NAME, group:NAME, node:INDEX, etcd:INDEX, etcd:leader or server';

export function parsePartitionMember(text: string): PartitionMember | string {
  const found = `expected ${MEMBER_EXPECTED}, found ${JSON.stringify(text)}`;
  if (text === 'server') return { kind: 'server' };
  const colon = text.indexOf(':');
  if (colon < 0) return found;
  const kind = text.slice(0, colon);
  const value = text.slice(colon + 1);
  if (value === '') return found;
  switch (kind) {
    case 'zone':
      return { kind, zone: value };
    case 'group':
      return { kind, group: value };
    case 'node':
      return /^\d+$/.test(value) ? { kind, node: Number(value) } : found;
    case 'etcd':
      if (value === 'leader') return { kind, etcd: 'leader' };
      return /^\d+$/.test(value) ? { kind, etcd: Number(value) } : found;
    default:
      return found;
  }
}

const partitionMember = () =>
  z.string({ error: (issue) => `expected ${MEMBER_EXPECTED}, found ${describeFound(issue.input)}` }).transform((text, ctx) => {
    const member = parsePartitionMember(text.trim());
    if (typeof member !== 'string') return member;
    ctx.addIssue({ code: 'custom', message: member, input: text });
    return z.NEVER;
  });

const partitionSides = () =>
  z.array(z.array(partitionMember()).min(1)).min(1);

// ---------------------------------------------------------------------------------------------

const base = { at: durationRangeMs() };
/** Absent or null: the fault is never repaired. */
const optionalDuration = () => positiveDurationMs().nullable().prefault(null);

export const FAULT_KINDS = [
  'node-crash',
  'power-loss',
  'partition',
  'message-loss',
  'latency-spike',
  'etcd-kill',
  'etcd-restart',
  'server-outage',
  'lock-holder-dies',
  'clock-skew',
  'bad-disk',
] as const;

export const faultSchema = () =>
  z.discriminatedUnion(
    'kind',
    [
      strict({ ...base, kind: z.literal('node-crash'), target: nodeTarget(), duration: optionalDuration() }),
      strict({ ...base, kind: z.literal('power-loss'), target: nodeTarget(), duration: positiveDurationMs() }).check((ctx) => {
        const t = ctx.value.target;
        if (t.zone === undefined && t.group === undefined) {
          ctx.issues.push({ code: 'custom', message: 'expected a zone or a group (power is lost by a whole zone or group)', input: t, path: ['target'] });
        }
      }),
      strict({ ...base, kind: z.literal('partition'), sides: partitionSides(), duration: positiveDurationMs() }),
      strict({
        ...base,
        kind: z.literal('message-loss'),
        probability: fraction(),
        scope: z.enum(['etcd', 'all']).prefault('all'),
        duration: positiveDurationMs(),
      }),
      strict({ ...base, kind: z.literal('latency-spike'), extra: durationRangeMs(), duration: positiveDurationMs() }),
      strict({ ...base, kind: z.literal('etcd-kill'), target: etcdTarget(), duration: optionalDuration() }),
      strict({ ...base, kind: z.literal('etcd-restart'), target: etcdTarget() }),
      strict({
        ...base,
        kind: z.literal('server-outage'),
        duration: positiveDurationMs(),
        // 503: what a proxy answers for a dead Nebraska (update_engine backs off, doubling);
        // none: no HTTP answer at all (connection refused; update_engine retries in 10 s, 3
        // times, then waits its regular 45 min).
        answer: z.literal([503, 500, 'none']).prefault(503),
      }),
      strict({ ...base, kind: z.literal('lock-holder-dies') }),
      strict({ ...base, kind: z.literal('clock-skew'), target: nodeTarget(), skew: signedDurationMs() }),
      strict({ ...base, kind: z.literal('bad-disk'), target: nodeTarget(), probability: fraction().prefault(1) }),
    ],
    { error: (issue) => discriminatorMessage('kind', FAULT_KINDS, issue.input) },
  );

export type Fault = z.output<ReturnType<typeof faultSchema>>;
export type FaultKind = Fault['kind'];
