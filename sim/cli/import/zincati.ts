// Zincati (Fedora CoreOS): TOML fragments of /etc/zincati/config.d (coreos/zincati
// src/config/fragments.rs ConfigFragment). They become `reboot: {agent: zincati, strategy,
// window, rolloutWariness, lockGroup}`. Strategy labels: src/strategy/mod.rs (`fleet_lock`,
// `immediate`, `periodic`; "" is the default, immediate; anything else Zincati refuses).

import { emptyFragment, ImportError, type Fragment, type ImportedValue } from './fragment.ts';
import type { TomlDoc } from './toml-source.ts';
import { clockMinutes, clockText, dayName } from './values.ts';
import { isRecord } from './yaml-source.ts';

const STRATEGIES: Record<string, string> = { immediate: 'immediate', fleet_lock: 'fleet-lock', periodic: 'periodic', '': 'immediate' };

export function isZincatiFragment(value: Record<string, unknown>): boolean {
  return ['updates', 'identity', 'cincinnati', 'agent'].some((k) => isRecord(value[k]));
}

export function importZincati(doc: TomlDoc): Fragment {
  const fragment = emptyFragment('Zincati config fragment');
  const v = doc.value;
  const updates = isRecord(v.updates) ? v.updates : {};
  const identity = isRecord(v.identity) ? v.identity : {};
  fragment.values.push({ path: ['reboot', 'agent'], value: 'zincati', source: doc.at([]), from: 'a Zincati config fragment' });
  for (const [key, value] of Object.entries(updates)) {
    const source = doc.at(['updates'], key);
    if (key === 'strategy') {
      const strategy = STRATEGIES[String(value)];
      if (strategy === undefined) throw new ImportError(source, `updates.strategy: Zincati refuses ${JSON.stringify(value)} (unsupported strategy; it reads fleet_lock, immediate, periodic)`);
      fragment.values.push({ path: ['reboot', 'strategy'], value: strategy, source, from: `strategy = "${String(value)}"` });
    } else if (key === 'fleet_lock' && isRecord(value)) {
      for (const [k, url] of Object.entries(value)) {
        fragment.unmapped.push({ source: doc.at(['updates', 'fleet_lock'], k), message: `updates.fleet_lock.${k} = ${JSON.stringify(url)}: the FleetLock server is the simulated airlock on the scenario's etcd (etcd.members)` });
      }
    } else if (key === 'periodic' && isRecord(value)) {
      fragment.values.push(...periodic(doc, value, fragment));
    } else {
      fragment.unmapped.push({ source, message: `updates.${key} = ${JSON.stringify(value)}: no scenario key for this Zincati setting` });
    }
  }
  for (const [key, value] of Object.entries(identity)) {
    const source = doc.at(['identity'], key);
    if (key === 'rollout_wariness') {
      if (typeof value !== 'number' || value < 0 || value > 1) throw new ImportError(source, `identity.rollout_wariness: expected a number from 0.0 to 1.0, found ${JSON.stringify(value)}`);
      fragment.values.push({ path: ['reboot', 'rolloutWariness'], value, source, from: `rollout_wariness = ${value}` });
    } else if (key === 'group') {
      fragment.values.push({ path: ['reboot', 'lockGroup'], value: String(value), source, from: `group = "${String(value)}" (the FleetLock group)` });
    } else {
      fragment.unmapped.push({ source, message: `identity.${key} = ${JSON.stringify(value)}: no scenario key for this Zincati setting` });
    }
  }
  for (const table of ['cincinnati', 'agent']) {
    if (isRecord(v[table])) fragment.unmapped.push({ source: doc.at([table]), message: `[${table}]: no scenario key for this Zincati section` });
  }
  return fragment;
}

/**
 * `[updates.periodic]` (src/config/inputs.rs, src/strategy/periodic.rs): windows of
 * `days`, `start_time`, `length_minutes`, and `time_zone` (default UTC). The scenario has one
 * window shape (days, start, length), so entries with the same start and length merge their
 * days; others are listed as unmapped.
 */
function periodic(doc: TomlDoc, periodicTable: Record<string, unknown>, fragment: Fragment): ImportedValue[] {
  const values: ImportedValue[] = [];
  const windows = Array.isArray(periodicTable.window) ? periodicTable.window : [];
  let shape: { start: number; length: number } | null = null;
  const days = new Set<string>();
  windows.forEach((w: unknown, i: number) => {
    const source = doc.at(['updates', 'periodic', 'window'], undefined, i);
    if (!isRecord(w)) return;
    const start = clockMinutes(String(w.start_time));
    const length = Number(w.length_minutes);
    if (start === null) throw new ImportError(doc.at(['updates', 'periodic', 'window'], 'start_time', i), `updates.periodic.window: start_time: expected "HH:MM", found ${JSON.stringify(w.start_time)}`);
    if (!Number.isInteger(length) || length < 1) throw new ImportError(doc.at(['updates', 'periodic', 'window'], 'length_minutes', i), `updates.periodic.window: length_minutes: expected a whole number >= 1, found ${JSON.stringify(w.length_minutes)}`);
    if (shape !== null && (shape.start !== start || shape.length !== length)) {
      fragment.unmapped.push({ source, message: `updates.periodic.window: a window at ${String(w.start_time)} for ${length} minutes: the scenario has one window start and length (the first entry's)` });
      return;
    }
    shape = { start, length };
    for (const d of Array.isArray(w.days) ? w.days : []) {
      const name = dayName(String(d));
      if (name === null) throw new ImportError(doc.at(['updates', 'periodic', 'window'], 'days', i), `updates.periodic.window: days: unknown day ${JSON.stringify(d)}`);
      days.add(name);
    }
    if (i === 0) {
      values.push({ path: ['reboot', 'window', 'start'], value: clockText(start), source: doc.at(['updates', 'periodic', 'window'], 'start_time', i), from: `start_time = "${String(w.start_time)}"` });
      values.push({ path: ['reboot', 'window', 'length'], value: `${length}m`, source: doc.at(['updates', 'periodic', 'window'], 'length_minutes', i), from: `length_minutes = ${length}` });
    }
  });
  if (days.size > 0) values.push({ path: ['reboot', 'window', 'days'], value: [...days], source: doc.at(['updates', 'periodic', 'window'], 'days', 0), from: 'days of [[updates.periodic.window]]' });
  const zone = periodicTable.time_zone;
  if (zone !== undefined) {
    const source = doc.at(['updates', 'periodic'], 'time_zone');
    if (zone === 'localtime') fragment.unmapped.push({ source, message: 'updates.periodic.time_zone = "localtime": the node\'s local zone is not in the configuration; the window stays in UTC' });
    else values.push({ path: ['reboot', 'window', 'timezone'], value: String(zone), source, from: `time_zone = "${String(zone)}"` });
  }
  return values;
}
