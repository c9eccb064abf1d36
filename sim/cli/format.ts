// Human formats for the values of a report: durations in the largest two units, counts with
// thousands separators, bytes in decimal units, fractions in percent. Pure; used by the summary,
// the check table and the sweep table (never by JSON or CSV, which keep raw numbers).

const DURATION_UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** `93784000` -> `1d 2h`; `1500` -> `1s 500ms`; `0` -> `0s`; null -> `-` (did not happen). */
export function formatDurationShort(ms: number | null): string {
  if (ms === null) return '-';
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms));
  const parts: string[] = [];
  for (const [unit, size] of DURATION_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0 || parts.length > 0) {
      if (count > 0) parts.push(`${count}${unit}`);
      rest -= count * size;
      if (parts.length === 2 || (parts.length === 1 && count === 0)) break;
    }
  }
  return sign + parts.join(' ');
}

/** `1234567` -> `1,234,567`; non-integers keep up to 3 decimals. */
export function formatCount(n: number | null): string {
  if (n === null) return '-';
  if (!Number.isFinite(n)) return String(n);
  const rounded = Math.round(n * 1000) / 1000;
  const [whole, fraction] = String(Math.abs(rounded)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (rounded < 0 ? '-' : '') + grouped + (fraction === undefined ? '' : `.${fraction}`);
}

/** Decimal units, like the scenario file's `300MB`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${units[unit]}`;
}

/** `0.0523` -> `5.23%`. */
export function formatFraction(fraction: number | null): string {
  if (fraction === null) return '-';
  const percent = Math.round(fraction * 10_000) / 100;
  return `${percent}%`;
}

export type ValueKind = 'duration' | 'bytes' | 'fraction' | 'count';

/** How each numeric report path reads; any path not listed is a count. */
const KINDS: Record<string, ValueKind> = {
  duration: 'duration',
  wallMs: 'duration',
  'rollout.startedAt': 'duration',
  'rollout.completedAt': 'duration',
  'rollout.duration': 'duration',
  'rollout.t50': 'duration',
  'rollout.t90': 'duration',
  'rollout.t99': 'duration',
  'availability.nodeDowntime': 'duration',
  'etcd.leaderless': 'duration',
  'etcd.quorumLost': 'duration',
  'server.bytesServed': 'bytes',
  'fleet.updatedFraction': 'fraction',
  'availability.maxDownFraction': 'fraction',
};

/** List entries' fields, whatever the index: workloads.0.belowMinMs reads as workloads.N.belowMinMs. */
const LIST_KINDS: Record<string, ValueKind> = {
  'workloads.N.belowMinMs': 'duration',
  'workloads.N.quorumLostMs': 'duration',
  'workloads.N.availability': 'fraction',
  'drain.blockedMs': 'duration',
};

export function valueKind(path: string): ValueKind {
  return KINDS[path] ?? LIST_KINDS[path.replace(/\.\d+\./, '.N.')] ?? 'count';
}

/** Formats a value found at a report path (or an expectation's `actual`) for people. */
export function formatReportValue(path: string, value: unknown): string {
  if (value === null) return '-';
  if (typeof value === 'number') {
    switch (valueKind(path)) {
      case 'duration':
        return formatDurationShort(value);
      case 'bytes':
        return formatBytes(value);
      case 'fraction':
        return formatFraction(value);
      case 'count':
        return formatCount(value);
    }
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}
