// Operator actions (sim/scenario/actions.ts), parsed with a scenario module imported afresh (the
// schema is built once at import; see fresh-schema.test.ts). The expected values follow the
// contract in docs/scenario-format.md "actions[]": each action has `at` and `do`, one of six kinds.
import { beforeAll, describe, expect, it } from 'vitest';
import { freshJsonSchemaSection, freshScenarioModule, pathMessages, type ScenarioModule } from './fresh.ts';
import { lines } from './helpers.ts';

let fresh: ScenarioModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
});

const head = ['name: a', 'duration: 1d', 'fleet:', '  groups:', '    - {name: prod, nodes: 4}', 'actions:'];

function parse(...actions: string[]) {
  return fresh.parseScenario(lines(...head, ...actions.map((a) => `  - ${a}`)), 'test.yaml');
}

function actions(...written: string[]) {
  const result = parse(...written);
  if (!result.ok) expect.fail(result.errors.map(fresh.formatScenarioError).join('\n'));
  return result.scenario.actions;
}

/** `path: message` of every error (an empty list when valid). */
function errors(...written: string[]): string[] {
  const result = parse(...written);
  return pathMessages(result);
}

describe('each kind of action, read by a freshly built schema', () => {
  it('reads pause, resume and unlock with their group and at in ms (1h = 3 600 000 ms)', () => {
    expect(actions('{at: 1h, do: pause-rollout, group: prod}', '{at: 2h, do: resume-rollout, group: prod}', '{at: 3h, do: unlock, group: prod}')).toEqual([
      { at: 3_600_000, do: 'pause-rollout', group: 'prod' },
      { at: 7_200_000, do: 'resume-rollout', group: 'prod' },
      { at: 10_800_000, do: 'unlock', group: 'prod' },
    ]);
  });

  it('reads an unlock without a group as null: every held slot is freed', () => {
    expect(actions('{at: 30m, do: unlock}')).toEqual([{ at: 1_800_000, do: 'unlock', group: null }]);
  });

  it('reads set-policy with its group and partial policy', () => {
    const [action] = actions('{at: 1h, do: set-policy, group: default, policy: {maxUpdatesPerPeriod: 2}}');
    expect(action).toMatchObject({ at: 3_600_000, do: 'set-policy', group: 'default' });
    expect(action.do === 'set-policy' && action.policy).toMatchObject({ maxUpdatesPerPeriod: 2 });
  });

  it('reads publish-release with the release defaults: channel stable, 300MB (300e6 bytes), probabilities 0', () => {
    expect(actions('{at: 16h, do: publish-release, release: {version: "3816.0.0"}}')).toEqual([
      {
        at: 57_600_000, // 16 h * 3 600 000 ms
        do: 'publish-release',
        release: { version: '3816.0.0', channel: 'stable', size: 300e6, bootFailureProbability: { default: 0 }, workloadFailureProbability: { default: 0 } },
      },
    ]);
  });

  it('refuses an `at` inside a published release: the action\'s own at is its publication time', () => {
    expect(errors('{at: 1h, do: publish-release, release: {version: "1.0", at: 2h}}')).toEqual([
      'actions[0].release.at: unknown key "at"; expected one of: version, channel, size, bootFailureProbability, workloadFailureProbability',
    ]);
  });

  it('reads rollback with a node target', () => {
    const [action] = actions('{at: 5h, do: rollback, target: {group: prod, count: 2}}');
    expect(action).toMatchObject({ at: 18_000_000, do: 'rollback', target: { group: 'prod', count: 2 } });
  });
});

describe('errors in an action, each at its key', () => {
  it('names "group name" when a group is a number, for every kind that takes a group', () => {
    const groupError = (i: number) => `actions[${i}].group: expected a group name, found the number 7`;
    expect(
      errors('{at: 1h, do: pause-rollout, group: 7}', '{at: 1h, do: resume-rollout, group: 7}', '{at: 1h, do: unlock, group: 7}', '{at: 1h, do: set-policy, group: 7, policy: {}}'),
    ).toEqual([groupError(0), groupError(1), groupError(2), groupError(3)]);
  });

  it('refuses an unknown do, listing the six kinds and guessing the closest', () => {
    expect(errors('{at: 1h, do: pause, group: prod}')).toEqual([
      'actions[0].do: expected do to be one of: pause-rollout, resume-rollout, unlock, set-policy, publish-release, rollback; found "pause"',
    ]);
    // "unlok" is one edit from "unlock" (fields.ts closest: edit distance <= 2).
    expect(errors('{at: 1h, do: unlok}')).toEqual([
      'actions[0].do: expected do to be one of: pause-rollout, resume-rollout, unlock, set-policy, publish-release, rollback; found "unlok" (did you mean "unlock"?)',
    ]);
  });

  it('says do is missing, at do, when an action has none', () => {
    expect(errors('{at: 1h, group: prod}')).toEqual([
      'actions[0].do: missing key "do"; expected one of: pause-rollout, resume-rollout, unlock, set-policy, publish-release, rollback',
    ]);
  });

  it('wants at as a duration', () => {
    expect(errors('{at: soon, do: unlock}')).toHaveLength(1);
    expect(errors('{at: soon, do: unlock}')[0]).toMatch(/^actions\[0\]\.at: /);
  });
});

describe('the editor schema of actions, generated afresh', () => {
  it('matches the committed docs/scenario.schema.json', async () => {
    const { generated, committed } = await freshJsonSchemaSection('actions');
    expect(generated).toEqual(committed);
  });
});
