// kured: its DaemonSet manifest (the container's command-line flags) or its Helm chart's values
// (`configuration:` keys, kubereboot/charts charts/kured/values.yaml, which the chart's template
// turns into the same flags). Both become `reboot: {agent: kured, ...}`. Flag names and defaults:
// kubereboot/kured cmd/kured/main.go; days and times: pkg/timewindow (days.go, timewindow.go).

import { emptyFragment, ImportError, type Fragment, type SourceRef } from './fragment.ts';
import { clockText, dayName, goDuration } from './values.ts';
import { isRecord, type YamlDoc } from './yaml-source.ts';

/** One flag as read: its name without `--`, its text, and where it was. */
interface Flag {
  name: string;
  text: string;
  source: SourceRef;
}

/** kured's bool flags (cmd/kured/main.go, spf13/pflag BoolVar): a value only after `=`; bare is true. */
const BOOL_FLAGS = new Set(['force-reboot', 'alert-firing-only', 'alert-filter-match-only', 'annotate-nodes']);

/** Flags that become one scenario key each, with how their text converts. */
const SCALAR_FLAGS: Record<string, { key: string; convert: 'duration' | 'count' | 'bool' }> = {
  period: { key: 'period', convert: 'duration' },
  concurrency: { key: 'maxConcurrent', convert: 'count' },
  'lock-ttl': { key: 'lockTTL', convert: 'duration' },
  'drain-timeout': { key: 'drainTimeout', convert: 'duration' },
  'force-reboot': { key: 'forceReboot', convert: 'bool' },
  'reboot-delay': { key: 'rebootDelay', convert: 'duration' },
  'lock-release-delay': { key: 'lockReleaseDelay', convert: 'duration' },
};

const WINDOW_FLAGS = new Set(['reboot-days', 'start-time', 'end-time', 'time-zone']);

/** Blockers whose timing no configuration says: the user adds it (reboot.alerts / blockingPods). */
const BLOCKER_FLAGS: Record<string, string> = {
  'prometheus-url': 'reboot.alerts: when and for how long an alert fires is not in the configuration; add reboot.alerts: [{at, duration, every}] to model one',
  'alert-filter-regexp': 'reboot.alerts: which alerts fire is not in the configuration; model them in reboot.alerts',
  'alert-firing-only': 'reboot.alerts: model the firing alerts in reboot.alerts',
  'alert-filter-match-only': 'reboot.alerts: model the matching alerts in reboot.alerts',
  'blocking-pod-selector': 'reboot.blockingPods: when matching pods are present is not in the configuration; add reboot.blockingPods: [{at, duration, group}] to model them',
};

/** The Helm chart's `configuration` keys and the flags its template writes for them. */
const HELM_KEYS: Record<string, string> = {
  period: 'period',
  concurrency: 'concurrency',
  lockTtl: 'lock-ttl',
  drainTimeout: 'drain-timeout',
  forceReboot: 'force-reboot',
  rebootDelay: 'reboot-delay',
  lockReleaseDelay: 'lock-release-delay',
  rebootDays: 'reboot-days',
  startTime: 'start-time',
  endTime: 'end-time',
  timeZone: 'time-zone',
  prometheusUrl: 'prometheus-url',
  alertFilterRegexp: 'alert-filter-regexp',
  alertFiringOnly: 'alert-firing-only',
  alertFilterMatchOnly: 'alert-filter-match-only',
  blockingPodSelector: 'blocking-pod-selector',
  lockAnnotation: 'lock-annotation',
  drainGracePeriod: 'drain-grace-period',
  drainDelay: 'drain-delay',
  rebootSentinel: 'reboot-sentinel',
  rebootCommand: 'reboot-command',
};

/** Is this document a kured DaemonSet, or Helm values for kured's chart? */
export function kuredContainer(value: unknown): { containerIndex: number } | null {
  if (!isRecord(value) || value.kind !== 'DaemonSet') return null;
  const containers = (value as { spec?: { template?: { spec?: { containers?: unknown } } } }).spec?.template?.spec?.containers;
  if (!Array.isArray(containers)) return null;
  const index = containers.findIndex((c) => isRecord(c) && (c.name === 'kured' || (typeof c.image === 'string' && /(^|\/)kured(:|@|$)/.test(c.image))));
  return index < 0 ? null : { containerIndex: index };
}

export function isKuredHelmValues(value: unknown): boolean {
  if (!isRecord(value) || !isRecord(value.configuration)) return false;
  const repository = isRecord(value.image) ? value.image.repository : undefined;
  return (typeof repository === 'string' && repository.includes('kured')) || Object.keys(value.configuration).some((k) => k in HELM_KEYS);
}

/** The flags of the kured container: `--name=value`, `--name value`, bare bool flags. */
function containerFlags(doc: YamlDoc, containerIndex: number): Flag[] {
  const base = ['spec', 'template', 'spec', 'containers', containerIndex];
  const container = (doc.value as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec.template.spec.containers[containerIndex];
  const flags: Flag[] = [];
  for (const list of ['command', 'args'] as const) {
    const items = container[list];
    if (!Array.isArray(items)) continue;
    for (let i = 0; i < items.length; i++) {
      const item = String(items[i]);
      const source = doc.at([...base, list, i]);
      if (!item.startsWith('--')) continue;
      const equals = item.indexOf('=');
      if (equals > 0) {
        flags.push({ name: item.slice(2, equals), text: item.slice(equals + 1), source });
        continue;
      }
      const name = item.slice(2);
      const next = items[i + 1];
      if (!BOOL_FLAGS.has(name) && next !== undefined && !String(next).startsWith('--')) {
        flags.push({ name, text: String(next), source });
        i++;
      } else {
        flags.push({ name, text: 'true', source });
      }
    }
  }
  return flags;
}

function helmFlags(doc: YamlDoc): { flags: Flag[]; unknown: Flag[] } {
  const configuration = (doc.value as { configuration: Record<string, unknown> }).configuration;
  const flags: Flag[] = [];
  const unknown: Flag[] = [];
  for (const [key, value] of Object.entries(configuration)) {
    // The chart's template writes a flag only for a value that is set (`{{- if ... }}`).
    if (value === '' || value === null || value === false || (Array.isArray(value) && value.length === 0)) continue;
    if ((key === 'lockTtl' || key === 'lockReleaseDelay' || key === 'drainDelay') && value === 0) continue;
    const source = doc.at(['configuration', key]);
    const text = Array.isArray(value) ? value.map(String).join(',') : String(value);
    const flag = HELM_KEYS[key];
    if (flag === undefined) unknown.push({ name: key, text, source });
    else flags.push({ name: flag, text, source });
  }
  return { flags, unknown };
}

export function importKuredManifest(docs: readonly YamlDoc[], file: string): Fragment {
  for (const doc of docs) {
    const found = kuredContainer(doc.value);
    if (found !== null) return fromFlags(containerFlags(doc, found.containerIndex), [], 'kured DaemonSet manifest', doc.at(['kind']));
  }
  const kinds = docs.map((d) => (isRecord(d.value) ? String(d.value.kind) : '?')).join(', ');
  throw new ImportError({ file, line: 1 }, `a Kubernetes manifest without kured: no DaemonSet with a container named kured or a kured image (found: ${kinds || 'nothing'})`);
}

export function importKuredHelmValues(doc: YamlDoc): Fragment {
  const { flags, unknown } = helmFlags(doc);
  return fromFlags(flags, unknown, 'kured Helm values', doc.at(['configuration']));
}

function fromFlags(flags: readonly Flag[], unknownKeys: readonly Flag[], kind: string, origin: SourceRef): Fragment {
  const fragment = emptyFragment(kind);
  fragment.values.push({ path: ['reboot', 'agent'], value: 'kured', source: origin, from: kind });
  const windowFlags = new Map<string, Flag>();
  for (const flag of flags) {
    const written = `--${flag.name}=${flag.text}`;
    const scalar = SCALAR_FLAGS[flag.name];
    if (scalar !== undefined) {
      fragment.values.push({ path: ['reboot', scalar.key], value: convert(flag, scalar.convert), source: flag.source, from: written });
    } else if (WINDOW_FLAGS.has(flag.name)) {
      // --reboot-days is a pflag StringSlice: repeating it adds days.
      const before = windowFlags.get(flag.name);
      windowFlags.set(flag.name, flag.name === 'reboot-days' && before !== undefined ? { ...before, text: `${before.text},${flag.text}` } : flag);
    } else if (flag.name in BLOCKER_FLAGS) {
      fragment.unmapped.push({ source: flag.source, message: `${written}: ${BLOCKER_FLAGS[flag.name]}` });
    } else {
      fragment.unmapped.push({ source: flag.source, message: `${written}: no scenario key for this kured flag` });
    }
  }
  for (const flag of unknownKeys) fragment.unmapped.push({ source: flag.source, message: `configuration.${flag.name}: ${flag.text}: no scenario key for this kured chart value` });
  if (windowFlags.size > 0) fragment.values.push(...windowValues(windowFlags));
  return fragment;
}

function convert(flag: Flag, kind: 'duration' | 'count' | 'bool'): unknown {
  if (kind === 'duration') return goDuration(flag.text, flag.source, `--${flag.name}`);
  if (kind === 'bool') {
    if (flag.text !== 'true' && flag.text !== 'false') throw new ImportError(flag.source, `--${flag.name}: expected true or false, found ${JSON.stringify(flag.text)}`);
    return flag.text === 'true';
  }
  if (!/^\d+$/.test(flag.text) || Number(flag.text) < 1) throw new ImportError(flag.source, `--${flag.name}: expected a whole number >= 1, found ${JSON.stringify(flag.text)}`);
  return Number(flag.text);
}

/**
 * kured's window (pkg/timewindow New + Contains): --reboot-days (default every day),
 * --start-time (default 0:00), --end-time (default 23:59), --time-zone (default UTC). The
 * scenario's window is a start and a length; an end before the start crosses midnight.
 */
function windowValues(flags: ReadonlyMap<string, Flag>) {
  const first = [...flags.values()][0];
  const days = flags.get('reboot-days');
  const start = flags.get('start-time');
  const end = flags.get('end-time');
  const zone = flags.get('time-zone');
  const startMinutes = start === undefined ? 0 : kuredTime(start);
  const endMinutes = end === undefined ? 23 * 60 + 59 : kuredTime(end);
  let lengthMinutes = endMinutes - startMinutes;
  if (lengthMinutes <= 0) lengthMinutes += 24 * 60;
  const dayNames = days === undefined ? null : days.text.split(',').map((d) => {
    const name = dayName(d);
    if (name === null) throw new ImportError(days.source, `--reboot-days: unknown day ${JSON.stringify(d)} (kured reads su, mo, ... or sun, sunday)`);
    return name;
  });
  const values = [];
  if (dayNames !== null) values.push({ path: ['reboot', 'window', 'days'], value: [...new Set(dayNames)], source: days!.source, from: `--reboot-days=${days!.text}` });
  values.push({ path: ['reboot', 'window', 'start'], value: clockText(startMinutes), source: (start ?? first).source, from: start === undefined ? 'kured default --start-time=0:00' : `--start-time=${start.text}` });
  values.push({ path: ['reboot', 'window', 'length'], value: lengthMinutes % 60 === 0 ? `${lengthMinutes / 60}h` : `${lengthMinutes}m`, source: (end ?? start ?? first).source, from: `--start-time to --end-time=${end?.text ?? '23:59 (kured default)'}` });
  if (zone !== undefined) values.push({ path: ['reboot', 'window', 'timezone'], value: zone.text, source: zone.source, from: `--time-zone=${zone.text}` });
  return values;
}

/** kured's parseTime formats: "15:04", "15:04:05", "03:04pm", "15", "03pm", "3pm" (seconds dropped). */
function kuredTime(flag: Flag): number {
  const match = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?$/i.exec(flag.text.trim());
  if (match !== null) {
    let hours = Number(match[1]);
    const minutes = match[2] === undefined ? 0 : Number(match[2]);
    const meridiem = match[4]?.toLowerCase();
    if (meridiem !== undefined) hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0);
    if (hours <= 23 && minutes <= 59) return hours * 60 + minutes;
  }
  throw new ImportError(flag.source, `--${flag.name}: expected a time of day like 02:00 or 3pm, found ${JSON.stringify(flag.text)}`);
}
