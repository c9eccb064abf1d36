// Export of a session (web/server/export.ts): the scenario text with the injected items appended,
// comments and key order kept, the seed set; and command parsing (web/server/commands.ts).

import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/index.ts';
import { parseCommand } from '../../web/server/commands.ts';
import { exportScenario } from '../../web/server/export.ts';
import { SMALL_SCENARIO } from './helpers.ts';

describe('exportScenario', () => {
  it('appends injected faults and actions at their times, sets the seed and keeps the comments', () => {
    const text = exportScenario(SMALL_SCENARIO, 77, [
      { at: 7_200_000, kind: 'fault', item: { kind: 'power-loss', target: { zone: 'a' }, duration: '5m' } },
      { at: 7_200_001, kind: 'action', item: { do: 'unlock' } },
    ]);
    expect(text).toMatch(/^# a small fleet for the web tests/);
    expect(text).toMatch(/^seed: 77$/m);
    expect(text).toMatch(/^faults:\n {2}- \{at: 7200000, kind: power-loss, target: \{zone: a\}, duration: 5m\}$/m);
    expect(text).toMatch(/- \{at: 3h, do: pause-rollout, group: canary\}\n {2}- \{at: 7200001, do: unlock\}/);
    const parsed = parseScenario(text, 'export.yaml');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.scenario.faults[0]).toMatchObject({ kind: 'power-loss', at: { min: 7_200_000, max: 7_200_000 } });
      expect(parsed.scenario.actions.map((a) => a.at)).toEqual([10_800_000, 7_200_001]);
    }
  });

  it('returns the text unchanged but for the seed when nothing was injected', () => {
    expect(exportScenario(SMALL_SCENARIO, 3, [])).toBe(SMALL_SCENARIO);
  });
});

describe('parseCommand', () => {
  it('accepts every command of the protocol and echoes ids', () => {
    for (const command of [
      { type: 'load', scenario: 'default', seed: 4 },
      { type: 'load', yaml: 'name: x' },
      { type: 'play' },
      { type: 'pause' },
      { type: 'step' },
      { type: 'speed', x: 1000 },
      { type: 'seek', timeMs: 5 },
      { type: 'restart', seed: 2 },
      { type: 'inject', fault: { kind: 'lock-holder-dies' } },
      { type: 'action', action: { do: 'unlock' } },
      { type: 'export' },
      { type: 'report' },
      { type: 'inspect', node: 3 },
    ]) {
      const parsed = parseCommand(JSON.stringify({ ...command, id: 12 }));
      expect(parsed).toMatchObject({ ok: true, command: { ...command, id: 12 } });
    }
  });

  it('says what is wrong with a bad command', () => {
    expect(parseCommand('{')).toMatchObject({ ok: false, message: expect.stringMatching(/malformed JSON/) });
    expect(parseCommand('"play"')).toMatchObject({ ok: false, message: expect.stringMatching(/JSON object/) });
    expect(parseCommand('{"type":"play","extra":1}')).toMatchObject({ ok: false, message: expect.stringMatching(/bad play command/) });
    expect(parseCommand('{"type":"load"}')).toMatchObject({ ok: false, message: expect.stringMatching(/either scenario/) });
    expect(parseCommand('{"type":"load","scenario":"a/b"}')).toMatchObject({ ok: false, message: expect.stringMatching(/scenario name/) });
    expect(parseCommand('{"type":"speed","x":0.5,"id":3}')).toMatchObject({ ok: false, id: 3 });
  });
});
