// Checks that parseScenario reports every error of a file at once, each at the line and column of
// the offending key or value, with the key path and what was expected; YAML syntax errors and
// JSON input included.
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario } from '../../sim/scenario/index.ts';
import { errorsOf, lines, load } from './helpers.ts';

const byPosition = (a: string, b: string) => {
  const [, la, ca] = /:(\d+):(\d+):/.exec(a) ?? [];
  const [, lb, cb] = /:(\d+):(\d+):/.exec(b) ?? [];
  return Number(la) - Number(lb) || Number(ca) - Number(cb);
};

describe('parseScenario', () => {
  it('points a misspelt key deep in the file at the key itself, with a suggestion', () => {
    const text = lines(
      'name: typo',
      'duration: 1d',
      'fleet:',
      '  groups:',
      '    - name: canary',
      '      nodse: 50',
    );
    const result = parseScenario(text, 'typo.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const unknown = result.errors.find((e) => e.path === 'fleet.groups[0].nodse');
    expect(unknown).toEqual({
      file: 'typo.yaml',
      line: 6,
      column: 7,
      path: 'fleet.groups[0].nodse',
      message: 'unknown key "nodse" (did you mean "nodes"?); expected one of: name, nodes, zones, hardware, channel',
    });
    // The key it should have been is missing: that error points at the group's mapping.
    expect(result.errors.map(formatScenarioError)).toEqual([
      'typo.yaml:5:7: fleet.groups[0].nodes: missing required key "nodes" (expected a whole number between 0 and 10000000)',
      'typo.yaml:6:7: fleet.groups[0].nodse: unknown key "nodse" (did you mean "nodes"?); expected one of: name, nodes, zones, hardware, channel',
    ]);
  });

  it('reports a bad duration at its value, with what it found', () => {
    expect(errorsOf(lines('name: x', 'duration: 45 minutes'))).toEqual([
      'test.yaml:2:11: duration: expected a duration like 250ms, 45m or 3d, found "45 minutes"',
    ]);
    expect(errorsOf(lines('name: x', 'duration: 1d', 'fleet:', '  updateCheck: {interval: -45m}'))).toEqual([
      'test.yaml:4:27: fleet.updateCheck.interval: expected a duration like 250ms, 45m or 3d, found "-45m" (a negative duration)',
    ]);
  });

  it('reports YAML syntax errors with their line and column and does not validate further', () => {
    expect(errorsOf(lines('name: x', 'duration: 1d', 'fleet: {groups: [', ''))).toEqual([
      'test.yaml:5:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      'test.yaml:5:1: YAML syntax: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
    expect(errorsOf(lines('name: x', 'name: y', 'duration: 1d'))).toEqual(['test.yaml:2:1: YAML syntax: Map keys must be unique']);
  });

  // A section's own consistency checks (unique group names) and the checks that refer to it
  // (policy.groups naming a group) wait until the section's values are valid: see the next test.
  it('lists every error of the file at once, sorted by position', () => {
    const text = lines(
      'name: many', //                                        1
      'duration: 7d', //                                      2
      'fidelity: fastest', //                                 3
      'fleet:', //                                            4
      '  groups:', //                                         5
      '    - {name: prod, nodes: 10, zones: [a]}', //         6
      '    - {name: prod, nodes: 1.5, zones: []}', //         7
      'etcd: {members: 3, heartbeat: 100 ms}', //             8
      'policy:', //                                           9
      '  groups:', //                                        10
      '    canry: {maxUpdatesPerPeriod: 5}', //              11
      'reboot: {strategy: etcd-lock, maxConcurent: 2}', //   12
      'expect:', //                                          13
      '  - rollout.completed = true', //                     14
      'extra: 1', //                                         15
    );
    expect(errorsOf(text)).toEqual([
      'test.yaml:3:11: fidelity: expected one of: fast, full; found "fastest"',
      'test.yaml:7:27: fleet.groups[1].nodes: expected a whole number between 0 and 10000000, found the number 1.5',
      'test.yaml:7:39: fleet.groups[1].zones: expected at least 1 item, found 0',
      'test.yaml:8:31: etcd.heartbeat: expected a duration like 250ms, 45m or 3d, found "100 ms"',
      'test.yaml:12:31: reboot.maxConcurent: unknown key "maxConcurent" (did you mean "maxConcurrent"?); expected one of: agent, strategy, maxConcurrent, lockGroup, lockTTL, window, drain, lockReleaseGate, period, drainTimeout, forceReboot, rebootDelay, lockReleaseDelay, alerts, blockingPods, rolloutWariness, steadyInterval, groups',
      'test.yaml:14:5: expect[0]: expected an expectation like "rollout.duration <= 3d" or "p95(rollout.duration) <= 2d", found "rollout.completed = true"',
      'test.yaml:15:1: extra: unknown key "extra"; expected one of: name, description, seed, duration, fidelity, start, fleet, etcd, network, server, releases, policy, reboot, workloads, faults, actions, expect, limits, liveness, fuzz, sources',
    ]);
  });

  it('a duplicate group name is an error at the second name', () => {
    expect(errorsOf(lines('name: x', 'duration: 1d', 'fleet: {groups: [{name: prod, nodes: 10}, {name: prod, nodes: 3}]}'))).toEqual([
      'test.yaml:3:50: fleet.groups[1].name: expected unique group names, found "prod" again',
    ]);
  });

  it('checks references between sections that are valid while another section has errors', () => {
    const text = lines(
      'name: refs',
      'duration: 7d',
      'fleet: {groups: [{name: prod, nodes: 10}, {name: canary, nodes: 3}]}',
      'network: {loss: 2}',
      'policy: {groups: {canry: {safeMode: true}}}',
      'reboot: {strategy: fleet-lock}',
      'faults: [{at: 1h, kind: power-loss, target: {zone: q}, duration: 1m}]',
    );
    expect(errorsOf(text)).toEqual([
      'test.yaml:4:17: network.loss: expected a fraction between 0 and 1, like 0.05 or 5%, found the number 2',
      'test.yaml:5:19: policy.groups.canry: expected a group of fleet.groups (prod, canary), found "canry"',
      'test.yaml:7:52: faults[0].target.zone: expected a zone of fleet.groups (a), found "q"',
      // etcd is absent: its defaults (members 0) are what the lock strategy is checked against.
      'test.yaml:1:1: etcd.members: expected etcd.members >= 1 because reboot.strategy is fleet-lock, found 0',
    ].sort(byPosition));
  });

  it('reads JSON, which is YAML, with positions too', () => {
    const text = '{\n  "name": "json",\n  "duration": "2h",\n  "seed": -1\n}\n';
    expect(errorsOf(text)).toEqual(['test.yaml:4:11: seed: expected a whole number >= 0, found the number -1']);
    expect(load(text.replace('-1', '7')).seed).toBe(7);
  });

  it('an empty file or a non-mapping is an error at the top, not a crash', () => {
    expect(errorsOf('')).toEqual(['test.yaml:1:1: expected a mapping, found null']);
    expect(errorsOf('- a\n- b\n')).toEqual(['test.yaml:1:1: expected a mapping, found a list']);
  });

  it('a key with no value points just after the key', () => {
    expect(errorsOf(lines('name: x', 'duration:'))).toEqual(['test.yaml:2:10: duration: expected a duration like 250ms, 45m or 3d, found null']);
  });

  it('returns the raw document alongside the scenario', () => {
    const result = parseScenario(lines('name: x', 'duration: 1d'), 'x.yaml');
    expect(result.ok && result.raw).toEqual({ name: 'x', duration: '1d' });
  });
});

describe('formatScenarioError', () => {
  it('writes file:line:col: path: message, and leaves out what it does not have', () => {
    expect(formatScenarioError({ file: 'a.yaml', line: 3, column: 7, path: 'etcd.members', message: 'm' })).toBe('a.yaml:3:7: etcd.members: m');
    expect(formatScenarioError({ file: 'a.yaml', line: 1, column: 1, path: '', message: 'm' })).toBe('a.yaml:1:1: m');
    expect(formatScenarioError({ file: 'a.yaml', line: 0, column: 0, path: 'x.y', message: 'm' })).toBe('a.yaml: x.y: m');
  });
});
