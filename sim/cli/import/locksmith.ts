// locksmith's /etc/coreos/update.conf or /etc/flatcar/update.conf: a systemd EnvironmentFile
// (locksmithd.service and update-engine.service read it) of KEY=VALUE lines. Read by
// coreos/locksmith locksmithctl/daemon.go runDaemon (REBOOT_STRATEGY, LOCKSMITHD_REBOOT_WINDOW_*
// or the older REBOOT_WINDOW_*) and flagsFromEnv (LOCKSMITHD_GROUP, LOCKSMITHD_ENDPOINT).
// GROUP and SERVER are update_engine's (the channel and the Omaha server), not locksmith's: the
// lock group is LOCKSMITHD_GROUP (locksmith README "Configuring groups").

import { emptyFragment, ImportError, type Fragment, type SourceRef } from './fragment.ts';
import { dayName, goDuration } from './values.ts';

/** locksmithctl/daemon.go: StrategyReboot, StrategyEtcdLock, StrategyOff; "" means reboot. */
const STRATEGIES = ['reboot', 'etcd-lock', 'off'];

interface EnvLine {
  key: string;
  value: string;
  source: SourceRef;
}

/** Is every meaningful line `KEY=value` with an upper-case key? Then it is an environment file. */
export function isEnvironmentFile(text: string): boolean {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  return lines.length > 0 && lines.every((l) => /^[A-Z_][A-Z0-9_]*=/.test(l));
}

/**
 * The lines of a systemd EnvironmentFile: KEY=VALUE, `#`/`;` comments, a value in matching
 * single or double quotes loses them (systemd.exec(5) EnvironmentFile=). Line continuations
 * and escapes, which update.conf files do not use, are not read.
 */
function environmentLines(text: string, file: string): EnvLine[] {
  const out: EnvLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const equals = line.indexOf('=');
    let value = line.slice(equals + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    out.push({ key: line.slice(0, equals).trim(), value, source: { file, line: i + 1 } });
  });
  return out;
}

export function importUpdateConf(text: string, file: string): Fragment {
  const fragment = emptyFragment('locksmith update.conf');
  const lines = environmentLines(text, file);
  const get = (...keys: string[]) => keys.map((k) => [...lines].reverse().find((l) => l.key === k)).find((l) => l !== undefined && l.value !== '');
  fragment.values.push({ path: ['reboot', 'agent'], value: 'locksmithd', source: lines[0].source, from: 'a locksmith update.conf' });
  const strategy = get('REBOOT_STRATEGY');
  if (strategy !== undefined) {
    if (!STRATEGIES.includes(strategy.value)) {
      throw new ImportError(strategy.source, `REBOOT_STRATEGY=${strategy.value}: locksmithd refuses this strategy (it reads ${STRATEGIES.join(', ')}: locksmithctl/daemon.go)`);
    }
    fragment.values.push({ path: ['reboot', 'strategy'], value: strategy.value, source: strategy.source, from: `REBOOT_STRATEGY=${strategy.value}` });
  }
  const start = get('LOCKSMITHD_REBOOT_WINDOW_START', 'REBOOT_WINDOW_START');
  const length = get('LOCKSMITHD_REBOOT_WINDOW_LENGTH', 'REBOOT_WINDOW_LENGTH');
  if ((start === undefined) !== (length === undefined)) {
    const one = (start ?? length)!;
    throw new ImportError(one.source, `${one.key}: locksmithd needs both or neither of the window start and length (locksmithctl/daemon.go runDaemon)`);
  }
  if (start !== undefined && length !== undefined) fragment.values.push(...windowValues(start, length));
  const group = get('LOCKSMITHD_GROUP');
  if (group !== undefined) fragment.values.push({ path: ['reboot', 'lockGroup'], value: group.value, source: group.source, from: `LOCKSMITHD_GROUP=${group.value}` });
  const endpoint = get('LOCKSMITHD_ENDPOINT');
  if (endpoint !== undefined) {
    const count = endpoint.value.split(',').filter((e) => e.trim() !== '').length;
    fragment.values.push({ path: ['etcd', 'members'], value: count, source: endpoint.source, from: `LOCKSMITHD_ENDPOINT: ${count} etcd endpoints` });
  }
  const channel = get('GROUP');
  if (channel !== undefined) fragment.values.push({ path: ['$channel'], value: channel.value, source: channel.source, from: `GROUP=${channel.value} (update_engine's channel)` });
  const used = new Set(['REBOOT_STRATEGY', 'LOCKSMITHD_REBOOT_WINDOW_START', 'REBOOT_WINDOW_START', 'LOCKSMITHD_REBOOT_WINDOW_LENGTH', 'REBOOT_WINDOW_LENGTH', 'LOCKSMITHD_GROUP', 'LOCKSMITHD_ENDPOINT', 'GROUP']);
  for (const line of lines) {
    if (line.key === 'SERVER') fragment.unmapped.push({ source: line.source, message: `SERVER=${line.value}: the update server is the simulated Nebraska (import its group JSON for its policy)` });
    else if (!used.has(line.key)) fragment.unmapped.push({ source: line.source, message: `${line.key}: no scenario key for this setting` });
  }
  return fragment;
}

/**
 * locksmith's window (pkg/timeutil/periodic.go ParsePeriodic): start `[Day ]HH:MM` (a day makes
 * it weekly, none daily), length a Go duration shorter than the period.
 */
function windowValues(start: EnvLine, length: EnvLine) {
  const fields = start.value.split(/\s+/);
  const day = fields.length === 2 ? dayName(fields[0]) : null;
  const time = fields.at(-1) ?? '';
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(time);
  if (fields.length > 2 || (fields.length === 2 && (day === null || fields[0].length !== 3)) || match === null || Number(match[1]) > 23 || Number(match[2]) > 59) {
    throw new ImportError(start.source, `${start.key}=${start.value}: expected "[Day ]HH:MM" like "Thu 04:00" (locksmith pkg/timeutil ParsePeriodic)`);
  }
  const values = [];
  if (day !== null) values.push({ path: ['reboot', 'window', 'days'], value: [day], source: start.source, from: `${start.key}=${start.value}` });
  values.push({ path: ['reboot', 'window', 'start'], value: `${match[1].padStart(2, '0')}:${match[2].padStart(2, '0')}`, source: start.source, from: `${start.key}=${start.value}` });
  values.push({ path: ['reboot', 'window', 'length'], value: goDuration(length.value, length.source, length.key), source: length.source, from: `${length.key}=${length.value}` });
  return values;
}
