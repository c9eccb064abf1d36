// Hand-fed cases for how the `reboot` section's fields are built (sim/scenario/reboot.ts
// rebootFields, blockerSchema, the section's prefaults), parsed with a scenario module imported
// afresh: the schema is built once at import, so only a fresh import sees a change there
// (fresh-schema.test.ts explains). Expectations from docs/scenario-format.md "reboot":
// lockGroup is a name, lockReleaseGate `none` | `ready`, rolloutWariness a number 0..1 or null,
// forceReboot false by default, a blocker's group a fleet group name. `reboot` is on line 5.
import { beforeAll, describe, expect, it } from 'vitest';
import { freshScenarioModule, pathMessages, type ScenarioModule } from './fresh.ts';
import { lines } from './helpers.ts';

let fresh: ScenarioModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
});

const HEAD = lines('name: r', 'duration: 1d', 'fleet: {groups: [{name: prod, nodes: 3}]}', 'etcd: {members: 3}');

function reboot(line: string) {
  const result = fresh.parseScenario(HEAD + lines(line), 'test.yaml');
  if (!result.ok) expect.fail(result.errors.map(fresh.formatScenarioError).join('\n'));
  return result.scenario.reboot;
}

function errors(line: string): string[] {
  const result = fresh.parseScenario(HEAD + lines(line), 'test.yaml');
  return result.ok ? [] : result.errors.map(fresh.formatScenarioError);
}

describe('the reboot section read by a freshly built schema', () => {
  it('defaults forceReboot to false (kured --force-reboot false) and keeps true when told', () => {
    expect(reboot('reboot: {agent: kured}').forceReboot).toBe(false);
    expect(reboot('reboot: {agent: kured, forceReboot: true}').forceReboot).toBe(true);
  });

  it('takes lockReleaseGate ready, in the section and per group, and refuses anything else listing none and ready', () => {
    const r = reboot('reboot: {lockReleaseGate: ready, groups: {prod: {lockReleaseGate: none}}}');
    expect([r.lockReleaseGate, r.groups.prod.lockReleaseGate]).toEqual(['ready', 'none']);
    expect(reboot('reboot: {groups: {prod: {lockReleaseGate: ready}}}').groups.prod.lockReleaseGate).toBe('ready');
    // "reboot: {lockReleaseGate: soon}": "lockReleaseGate" 10-24, ": " 25-26, value at 27.
    expect(errors('reboot: {lockReleaseGate: soon}')).toEqual(['test.yaml:5:27: reboot.lockReleaseGate: expected one of: none, ready; found "soon"']);
  });

  it('takes a rollout wariness anywhere from 0 to 1, and refuses one outside at its value', () => {
    expect(reboot('reboot: {agent: zincati, rolloutWariness: 0}').rolloutWariness).toBe(0);
    expect(reboot('reboot: {agent: zincati, rolloutWariness: 0.5}').rolloutWariness).toBe(0.5);
    expect(reboot('reboot: {agent: zincati, rolloutWariness: 1}').rolloutWariness).toBe(1);
    expect(reboot('reboot: {groups: {prod: {rolloutWariness: 0.25}}}').groups.prod.rolloutWariness).toBe(0.25);
    // "reboot: {rolloutWariness: 1.5}": "rolloutWariness" 10-24, ": " 25-26, value at 27.
    expect(errors('reboot: {rolloutWariness: 1.5}')).toEqual(['test.yaml:5:27: reboot.rolloutWariness: expected at most 1, found the number 1.5']);
    expect(errors('reboot: {rolloutWariness: -0.5}')).toEqual(['test.yaml:5:27: reboot.rolloutWariness: expected at least 0, found the number -0.5']);
  });

  it('names a lock group name when the lock group is a number or blank', () => {
    // "reboot: {lockGroup: 5}": "lockGroup" 10-18, ": " 19-20, value at 21.
    expect(errors('reboot: {lockGroup: 5}')).toEqual(['test.yaml:5:21: reboot.lockGroup: expected a lock group name, found the number 5']);
    // "reboot: {groups: {prod: {lockGroup: " "}}}": "{" 25, "lockGroup" 26-34, ": " 35-36, value at 37.
    expect(pathMessages(fresh.parseScenario(HEAD + lines('reboot: {groups: {prod: {lockGroup: " "}}}'), 'test.yaml'))).toEqual([
      'reboot.groups.prod.lockGroup: expected a non-empty lock group name, found ""',
    ]);
  });

  it("names a fleet group name when a blocking pod's group is a number", () => {
    // "reboot: {agent: kured, blockingPods: [{duration: 1h, group: 7}]}": "kured" 17-21, ", "
    // 22-23, "blockingPods" 24-35, ": " 36-37, "[" 38, "{" 39, "duration" 40-47, ": " 48-49, "1h"
    // 50-51, ", " 52-53, "group" 54-58, ": " 59-60, value at 61.
    expect(errors('reboot: {agent: kured, blockingPods: [{duration: 1h, group: 7}]}')).toEqual([
      'test.yaml:5:61: reboot.blockingPods[0].group: expected a fleet group name, found the number 7',
    ]);
  });
});
