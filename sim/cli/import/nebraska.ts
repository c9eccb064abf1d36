// Nebraska (kinvolk/nebraska): a group as its API returns it (backend/pkg/api/groups.go Group:
// policy_* columns and the channel object). It becomes the scenario's `policy.default`, and its
// channel the fleet's. Intervals are PostgreSQL interval texts ("1 hours", "15 minutes"): the
// groups table stores them as such (policy_period_interval, policy_update_timeout).

import { emptyFragment, ImportError, type Fragment, type ImportedValue } from './fragment.ts';
import { isRecord, type YamlDoc } from './yaml-source.ts';

const POLICY_KEYS: Record<string, { key: string; convert: 'count' | 'interval' | 'bool' | 'text' }> = {
  policy_updates_enabled: { key: 'updatesEnabled', convert: 'bool' },
  policy_safe_mode: { key: 'safeMode', convert: 'bool' },
  policy_office_hours: { key: 'officeHours', convert: 'bool' },
  policy_timezone: { key: 'timezone', convert: 'text' },
  policy_period_interval: { key: 'periodInterval', convert: 'interval' },
  policy_max_updates_per_period: { key: 'maxUpdatesPerPeriod', convert: 'count' },
  policy_update_timeout: { key: 'updateTimeout', convert: 'interval' },
};

/** Fields of the API's answer that describe the group, not its behaviour: read silently. */
const DESCRIPTIVE = new Set(['id', 'name', 'description', 'created_ts', 'application_id', 'channel_id', 'track', 'rollout_in_progress']);

export function isNebraskaGroup(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && Object.keys(value).some((k) => k in POLICY_KEYS);
}

export function importNebraskaGroup(doc: YamlDoc): Fragment {
  const fragment = emptyFragment('Nebraska group');
  const group = doc.value as Record<string, unknown>;
  for (const [field, value] of Object.entries(group)) {
    const source = doc.at([field]);
    const policy = POLICY_KEYS[field];
    if (policy !== undefined) {
      if (value === null) continue;
      fragment.values.push({ path: ['policy', 'default', policy.key], value: convert(field, value, policy.convert, source), source, from: `${field}: ${JSON.stringify(value)}` });
    } else if (field === 'channel') {
      const name = isRecord(value) ? value.name : undefined;
      if (typeof name === 'string') fragment.values.push(channelValue(name, doc));
    } else if (!DESCRIPTIVE.has(field)) {
      fragment.unmapped.push({ source, message: `${field}: no scenario key for this Nebraska group field` });
    }
  }
  return fragment;
}

function channelValue(name: string, doc: YamlDoc): ImportedValue {
  return { path: ['$channel'], value: name, source: doc.at(['channel', 'name']), from: `channel.name: ${name}` };
}

function convert(field: string, value: unknown, kind: 'count' | 'interval' | 'bool' | 'text', source: { file: string; line: number }): unknown {
  if (kind === 'bool' && typeof value === 'boolean') return value;
  if (kind === 'text' && typeof value === 'string') return value;
  if (kind === 'count' && Number.isInteger(value) && (value as number) >= 0) return value;
  if (kind === 'interval' && typeof value === 'string') {
    const ms = postgresIntervalMs(value);
    if (ms !== null) return `${ms / 60_000}m`;
  }
  throw new ImportError(source, `${field}: unexpected value ${JSON.stringify(value)} for a Nebraska group`);
}

const INTERVAL_UNITS_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** "1 hours", "15 minutes", "2 days", "1 hour 30 minutes" (PostgreSQL's interval input), in whole minutes; else null. */
export function postgresIntervalMs(text: string): number | null {
  const parts = [...text.trim().toLowerCase().matchAll(/(\d+)\s*(second|minute|hour|day|week)s?\b/g)];
  const rest = text.trim().toLowerCase().replace(/(\d+)\s*(second|minute|hour|day|week)s?\b/g, '').trim();
  if (parts.length === 0 || rest !== '') return null;
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * INTERVAL_UNITS_MS[p[2]], 0);
  return ms > 0 && ms % 60_000 === 0 ? ms : null;
}
