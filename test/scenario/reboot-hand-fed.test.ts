// Hand-fed cases for the checks of the `reboot` section (sim/scenario/reboot.ts rebootSchema and
// blockerSchema), run per parse. Expectations come from docs/scenario-format.md "reboot":
// locksmithd's strategies are etcd-lock, fleet-lock, reboot, off; kured has none ("kured always
// locks": leave it out, its only one being daemonset-lock); zincati's are immediate, fleet-lock,
// periodic, and periodic needs a window; a group's strategy error sits at
// `reboot.groups.<g>.strategy`, or `.agent` when the strategy is inherited; a blocker's
// `duration < every`. Every file below puts `reboot` on line 5 (after name, duration, fleet, etcd),
// and each column is counted by hand over the line written next to it.
import { describe, expect, it } from 'vitest';
import { errorsOf, lines, load } from './helpers.ts';

const HEAD = lines('name: r', 'duration: 1d', 'fleet: {groups: [{name: prod, nodes: 3}]}', 'etcd: {members: 3}');

const LOCKSMITHD = 'locksmithd (reboot, off, etcd-lock, fleet-lock)';
const KURED_HINT = 'kured (daemonset-lock) (kured always locks: leave strategy out)';

describe("the section's strategy must be one of its agent's", () => {
  it('a strategy under kured is refused at reboot.strategy, with the hint to leave it out', () => {
    // "reboot: {agent: kured, strategy: reboot}": `{` is column 9, "agent" 10-14, ": " 15-16,
    // "kured" 17-21, ", " 22-23, "strategy" 24-31, ": " 32-33, so the value starts at 34.
    expect(errorsOf(HEAD + lines('reboot: {agent: kured, strategy: reboot}'))).toEqual([
      `test.yaml:5:34: reboot.strategy: expected a strategy of agent ${KURED_HINT}, found "reboot"`,
    ]);
  });

  it("a zincati strategy under locksmithd is refused at reboot.strategy, listing locksmithd's own", () => {
    // "reboot: {strategy: immediate}": "strategy" 10-17, ": " 18-19, the value at 20.
    expect(errorsOf(HEAD + lines('reboot: {strategy: immediate}'))).toEqual([
      `test.yaml:5:20: reboot.strategy: expected a strategy of agent ${LOCKSMITHD}, found "immediate"`,
    ]);
  });

  it('a strategy of its own agent is taken as written', () => {
    expect(load(HEAD + lines('reboot: {agent: zincati, strategy: fleet-lock}')).reboot.strategy).toBe('fleet-lock');
  });
});

describe("a fleet group's strategy is checked as the group runs it", () => {
  it('a group that changes neither agent nor strategy is not blamed for the section\'s bad strategy', () => {
    // Only the section's error: the group overrides maxConcurrent alone. Column 34 as above.
    expect(errorsOf(HEAD + lines('reboot: {agent: kured, strategy: reboot, groups: {prod: {maxConcurrent: 2}}}'))).toEqual([
      `test.yaml:5:34: reboot.strategy: expected a strategy of agent ${KURED_HINT}, found "reboot"`,
    ]);
  });

  it("a group naming the section's own agent inherits its strategy, and the error points at the group's agent", () => {
    // "reboot: {strategy: periodic, groups: {prod: {agent: locksmithd}}}": the strategy value at
    // 20; "periodic" 20-27, ", " 28-29, "groups" 30-35, ": " 36-37, "{" 38, "prod" 39-42,
    // ": " 43-44, "{" 45, "agent" 46-50, ": " 51-52, so "locksmithd" starts at 53.
    expect(errorsOf(HEAD + lines('reboot: {strategy: periodic, groups: {prod: {agent: locksmithd}}}'))).toEqual([
      `test.yaml:5:20: reboot.strategy: expected a strategy of agent ${LOCKSMITHD}, found "periodic"`,
      `test.yaml:5:53: reboot.groups.prod.agent: expected a strategy of agent ${LOCKSMITHD}, found "periodic"`,
    ]);
  });

  it("a group's own strategy of another agent is refused at the group's strategy", () => {
    // "reboot: {groups: {prod: {strategy: immediate}}}": "groups" 10-15, ": " 16-17, "{" 18,
    // "prod" 19-22, ": " 23-24, "{" 25, "strategy" 26-33, ": " 34-35, the value at 36.
    expect(errorsOf(HEAD + lines('reboot: {groups: {prod: {strategy: immediate}}}'))).toEqual([
      `test.yaml:5:36: reboot.groups.prod.strategy: expected a strategy of agent ${LOCKSMITHD}, found "immediate"`,
    ]);
  });

  it("a group moving to another agent does not inherit the section's strategy, so it is neither refused nor made periodic", () => {
    // The group runs zincati's default (immediate): the only error is the section's own
    // (locksmithd has no periodic), and no window is asked of either.
    expect(errorsOf(HEAD + lines('reboot: {strategy: periodic, groups: {prod: {agent: zincati}}}'))).toEqual([
      `test.yaml:5:20: reboot.strategy: expected a strategy of agent ${LOCKSMITHD}, found "periodic"`,
    ]);
  });
});

describe('zincati periodic needs a window, for the section and for each fleet group', () => {
  it('a periodic group that keeps the section window is valid', () => {
    const s = load(HEAD + lines('reboot:', '  agent: zincati', '  strategy: periodic', '  window: {days: [Sat], start: "02:00", length: 2h}', '  groups: {prod: {drain: 5m}}'));
    // Sat = 6, 02:00 = 120 minutes after midnight, 2h = 7 200 000 ms; 5m = 300 000 ms.
    expect(s.reboot.window).toEqual({ days: [6], start: 120, length: 7_200_000, timezone: 'UTC' });
    expect(s.reboot.groups.prod.drain).toBe(300_000);
  });

  it("a group that inherits periodic and no window is told so at its agent, next to the section's error", () => {
    // "reboot: {agent: zincati, strategy: periodic, groups: {prod: {agent: zincati}}}": the
    // section's missing window is located at its mapping, `{` at column 9. "agent" 10-14, ": "
    // 15-16, "zincati" 17-23, ", " 24-25, "strategy" 26-33, ": " 34-35, "periodic" 36-43, ", "
    // 44-45, "groups" 46-51, ": " 52-53, "{" 54, "prod" 55-58, ": " 59-60, "{" 61, "agent" 62-66,
    // ": " 67-68, so the group's "zincati" starts at 69.
    expect(errorsOf(HEAD + lines('reboot: {agent: zincati, strategy: periodic, groups: {prod: {agent: zincati}}}'))).toEqual([
      'test.yaml:5:9: reboot.window: expected a reboot window for zincati strategy periodic (its updates.periodic.window), found none',
      'test.yaml:5:69: reboot.groups.prod.agent: expected a reboot window for zincati strategy periodic, found none',
    ]);
  });

  it("a group that names periodic itself without a window is told so at its strategy", () => {
    // "    prod: {agent: zincati, strategy: periodic}" on line 7: "prod" 5-8, ": " 9-10, "{" 11,
    // "agent" 12-16, ": " 17-18, "zincati" 19-25, ", " 26-27, "strategy" 28-35, ": " 36-37, value 38.
    expect(errorsOf(HEAD + lines('reboot:', '  groups:', '    prod: {agent: zincati, strategy: periodic}'))).toEqual([
      'test.yaml:7:38: reboot.groups.prod.strategy: expected a reboot window for zincati strategy periodic, found none',
    ]);
  });
});

describe('kured blockers: duration < every only for a flapping one', () => {
  it('a blocker without every, and a flapping one shorter than its period, are valid with their defaults', () => {
    const s = load(HEAD + lines('reboot:', '  agent: kured', '  alerts: [{duration: 1h}, {duration: 59m, every: 1h}]', '  blockingPods: [{at: 2h, duration: 3h, group: prod}]'));
    // at defaults to 0, every and group to null; 1h = 3 600 000 ms, 59m = 3 540 000 ms,
    // 2h = 7 200 000 ms, 3h = 10 800 000 ms.
    expect(s.reboot.alerts).toEqual([
      { at: 0, duration: 3_600_000, every: null, group: null },
      { at: 0, duration: 3_540_000, every: 3_600_000, group: null },
    ]);
    expect(s.reboot.blockingPods).toEqual([{ at: 7_200_000, duration: 10_800_000, every: null, group: 'prod' }]);
  });

  it('a flapping blocker longer than its period is refused at its duration', () => {
    // "    - {duration: 2h, every: 1h}" on line 8: "-" 5, "{" 7, "duration" 8-15, ": " 16-17,
    // value at 18. 2h = 7 200 000 ms, 1h = 3 600 000 ms.
    expect(errorsOf(HEAD + lines('reboot:', '  agent: kured', '  alerts:', '    - {duration: 2h, every: 1h}'))).toEqual([
      'test.yaml:8:18: reboot.alerts[0].duration: expected duration < every (3600000ms) for a blocker that stops, found 7200000ms',
    ]);
  });
});
