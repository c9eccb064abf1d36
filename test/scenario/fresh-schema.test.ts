/**
 * The scenario schema is built once, when sim/scenario/schema.ts is first imported
 * (`scenarioSchema = buildScenarioSchema()`), so within one test process every other test parses
 * with the schema as it was built then. These tests import the scenario module afresh
 * (vi.resetModules) and run the hand-written cases through a schema built again: every rule's
 * located error, and the single-value and default forms of the fuzz and window sections. They
 * catch a change in how the schema is put together (a union, a transform, a prefault) that a
 * mutation tool can only show in a module evaluated after the change: StrykerJS's vitest runner
 * keeps modules loaded between mutants.
 */
import { describe, expect, it } from 'vitest';
import { freshScenarioModule } from './fresh.ts';
import { RULES, fileOf } from './rules.ts';


describe('a scenario schema built afresh', () => {
  it('gives every validation rule its located error', async () => {
    const fresh = await freshScenarioModule();
    for (const [rule, body, expected] of RULES) {
      const result = fresh.parseScenario(fileOf(body), 'test.yaml');
      expect(result.ok, rule).toBe(false);
      if (!result.ok) expect(result.errors.map(fresh.formatScenarioError), rule).toEqual([expected]);
    }
  });

  it('reads single values as ranges, and fills the window and fuzz defaults', async () => {
    const fresh = await freshScenarioModule();
    const text = fileOf([
      'reboot: {strategy: reboot, window: {days: [Sat, Mon], start: "04:30", length: 2h}}',
      'fuzz:',
      '  count: 3',
      '  kinds:',
      '    - {kind: message-loss, probability: 0.2}',
      '    - {kind: clock-skew, skew: -2h}',
    ]);
    const result = fresh.parseScenario(text, 'test.yaml');
    if (!result.ok) throw new Error(result.errors.map(fresh.formatScenarioError).join('\n'));
    const s = result.scenario;
    expect(s.reboot.window).toEqual({ days: [1, 6], start: 270, length: 7_200_000, timezone: 'UTC' });
    expect(s.fuzz?.safety).toBe(86_400_000);
    expect(s.fuzz?.count).toEqual({ min: 3, max: 3 });
    expect(s.fuzz?.kinds?.[0]).toEqual({ kind: 'message-loss', weight: 1, probability: { min: 0.2, max: 0.2 } });
    expect(s.fuzz?.kinds?.[1]).toEqual({ kind: 'clock-skew', weight: 1, skew: { min: -7_200_000, max: -7_200_000 } });
  });

  it('locates values of the wrong type with the messages written for them', async () => {
    const fresh = await freshScenarioModule();
    const errors = (body: string[]) => {
      const result = fresh.parseScenario(fileOf(body), 'test.yaml');
      return result.ok ? [] : result.errors.map(fresh.formatScenarioError);
    };
    expect(errors(['fuzz: {count: x}'])).toEqual(['test.yaml:3:15: fuzz.count: expected a whole number between 0 and 10000 or a range {min, max}, found "x"']);
    expect(errors(['fuzz:', '  kinds:', '    - {kind: etcd-kill, weight: 0}'])).toEqual(['test.yaml:5:33: fuzz.kinds[0].weight: expected a weight > 0, found the number 0']);
    expect(errors(['fuzz:', '  kinds:', '    - {kind: meteor}'])[0]).toMatch(/^test\.yaml:5:14: fuzz\.kinds\[0\]\.kind: expected kind to be one of: node-crash, /);
    expect(errors(['fuzz:', '  kinds: []'])).toEqual(['test.yaml:4:10: fuzz.kinds: expected at least 1 item, found 0']);
    expect(errors(['reboot: {window: {days: [1], start: "01:00", length: 2h}}'])).toEqual(['test.yaml:3:26: reboot.window.days[0]: expected a day like Mon or Thursday, found the number 1']);
    expect(errors(['reboot: {window: {days: [], start: "01:00", length: 2h}}'])).toEqual(['test.yaml:3:25: reboot.window.days: expected at least 1 item, found 0']);
  });
});
