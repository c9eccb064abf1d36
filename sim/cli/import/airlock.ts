// airlock (coreos/airlock, Zincati's FleetLock server): config.toml (internal/config/toml.go
// tomlConfig). `[etcd3] endpoints` become etcd.members; `[lock] default_group_name`,
// `default_slots` and `[[lock.groups]] {name, slots}` the lock groups and their semaphores
// (a group without `slots` takes default_slots: internal/config/toml.go mergeLock).

import { emptyFragment, type Fragment } from './fragment.ts';
import type { TomlDoc } from './toml-source.ts';
import { isRecord } from './yaml-source.ts';

export function isAirlockConfig(value: Record<string, unknown>): boolean {
  return isRecord(value.lock) || isRecord(value.etcd3);
}

export function importAirlock(doc: TomlDoc): Fragment {
  const fragment = emptyFragment('airlock config.toml');
  const v = doc.value;
  const etcd3 = isRecord(v.etcd3) ? v.etcd3 : {};
  if (Array.isArray(etcd3.endpoints) && etcd3.endpoints.length > 0) {
    const count = etcd3.endpoints.length;
    fragment.values.push({ path: ['etcd', 'members'], value: count, source: doc.at(['etcd3'], 'endpoints'), from: `${count} etcd endpoints` });
  }
  for (const key of Object.keys(etcd3)) {
    if (key !== 'endpoints') fragment.unmapped.push({ source: doc.at(['etcd3'], key), message: `etcd3.${key}: no scenario key for this airlock setting` });
  }
  const lock = isRecord(v.lock) ? v.lock : {};
  const defaultSlots = typeof lock.default_slots === 'number' ? lock.default_slots : 1;
  if (typeof lock.default_slots === 'number') {
    fragment.values.push({ path: ['reboot', 'maxConcurrent'], value: defaultSlots, source: doc.at(['lock'], 'default_slots'), from: `default_slots = ${defaultSlots}` });
  }
  if (typeof lock.default_group_name === 'string' && lock.default_group_name !== 'default') {
    fragment.values.push({ path: ['reboot', 'lockGroup'], value: lock.default_group_name, source: doc.at(['lock'], 'default_group_name'), from: `default_group_name = "${lock.default_group_name}"` });
  }
  const groups = Array.isArray(lock.groups) ? lock.groups : [];
  groups.forEach((g: unknown, i: number) => {
    if (!isRecord(g) || typeof g.name !== 'string') return;
    const slots = typeof g.slots === 'number' ? g.slots : defaultSlots;
    // A lock group is used by the fleet group of the same name (combine.ts resolves it).
    fragment.values.push({ path: ['$lockGroups', g.name], value: slots, source: doc.at(['lock', 'groups'], 'name', i), from: `[[lock.groups]] name = "${g.name}", ${typeof g.slots === 'number' ? `slots = ${g.slots}` : `default_slots ${defaultSlots}`}` });
  });
  for (const table of ['service', 'status']) {
    if (isRecord(v[table])) fragment.unmapped.push({ source: doc.at([table]), message: `[${table}]: airlock's own listener, nothing to simulate` });
  }
  return fragment;
}
