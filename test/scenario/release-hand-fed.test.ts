// Releases (sim/scenario/release.ts): the `releases[]` entries and the release of a
// publish-release action, parsed with a scenario module imported afresh (the schema is built once
// at import; see fresh-schema.test.ts), and the per-hardware-class probability look-ups. Expected
// values follow docs/scenario-format.md "releases[]": a number p becomes {default: p}; a mapping
// gets default 0 unless it says otherwise; channel defaults to stable, size to 300MB.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootFailureProbabilityFor, workloadFailureProbabilityFor, type BootFailureProbability } from '../../sim/scenario/release.ts';
import { freshJsonSchemaSection, freshScenarioModule, pathMessages, type ScenarioModule } from './fresh.ts';
import { lines } from './helpers.ts';

let fresh: ScenarioModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
});

const head = ['name: r', 'duration: 1d', 'fleet:', '  groups:', '    - {name: old, nodes: 2, hardware: gen1}', '    - {name: new, nodes: 2, hardware: gen2}'];

/** `path: message` of every error of a file with these releases (an empty list when valid). */
function errors(...releases: string[]): string[] {
  const result = fresh.parseScenario(lines(...head, 'releases:', ...releases.map((r) => `  - ${r}`)), 'test.yaml');
  return pathMessages(result);
}

describe('a release read by a freshly built schema', () => {
  it('reads a mapping of classes with default 0 added, and a plain number as the default', () => {
    const result = fresh.parseScenario(
      lines(...head, 'releases:', '  - {version: "2.0", channel: beta, bootFailureProbability: {gen1: 0.5}, workloadFailureProbability: 0.25}'),
      'test.yaml',
    );
    if (!result.ok) expect.fail(result.errors.map(fresh.formatScenarioError).join('\n'));
    expect(result.scenario.releases).toEqual([
      { version: '2.0', channel: 'beta', size: 300e6, bootFailureProbability: { default: 0, gen1: 0.5 }, workloadFailureProbability: { default: 0.25 }, at: 0 },
    ]);
  });

  it('asks for a quoted version when YAML reads the version as a number', () => {
    expect(errors('{version: 1.5}')).toEqual(['releases[0].version: expected a version string, found the number 1.5 (quote versions that YAML reads as numbers: "1.0")']);
  });

  it('names a channel when the channel is a number', () => {
    expect(errors('{version: "1.0", channel: 3}')).toEqual(['releases[0].channel: expected a channel, found the number 3']);
  });

  it('asks for a probability or a mapping when bootFailureProbability is neither', () => {
    expect(errors('{version: "1.0", bootFailureProbability: true}')).toEqual([
      'releases[0].bootFailureProbability: expected a probability like 0.01 or a mapping {gen1: 0.5, default: 0}, found the boolean true',
    ]);
    expect(errors('{version: "1.0", workloadFailureProbability: [0.1]}')).toEqual([
      'releases[0].workloadFailureProbability: expected a probability like 0.01 or a mapping {gen1: 0.5, default: 0}, found a list',
    ]);
  });
});

describe('the release of a publish-release action, read by a freshly built schema', () => {
  it('has the same keys as a release but no at, and the same messages', () => {
    const result = fresh.parseScenario(lines(...head, 'actions:', '  - {at: 2h, do: publish-release, release: {version: 3.0, channel: 4}}'), 'test.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(pathMessages(result)).toEqual([
        'actions[0].release.version: expected a version string, found the number 3 (quote versions that YAML reads as numbers: "1.0")',
        'actions[0].release.channel: expected a channel, found the number 4',
      ]);
    }
  });
});

describe('bootFailureProbabilityFor and workloadFailureProbabilityFor (release.ts)', () => {
  const byClass: BootFailureProbability = { default: 0.1, gen1: 0.5 };
  const release = { bootFailureProbability: byClass, workloadFailureProbability: { default: 0.2, gen2: 0.75 } };

  it('take the value of the node\'s hardware class when the release lists it', () => {
    expect(bootFailureProbabilityFor(release, 'gen1')).toBe(0.5);
    expect(workloadFailureProbabilityFor(release, 'gen2')).toBe(0.75);
  });

  it('fall back to default for an unlabelled node or a class the release does not list', () => {
    expect(bootFailureProbabilityFor(release, null)).toBe(0.1);
    expect(bootFailureProbabilityFor(release, 'gen3')).toBe(0.1);
    expect(workloadFailureProbabilityFor(release, null)).toBe(0.2);
    expect(workloadFailureProbabilityFor(release, 'gen1')).toBe(0.2);
  });

  it('give an unlabelled node the default even when some class is literally named "null"', () => {
    // A group may say `hardware: "null"`; a node with no hardware (null) is still not of that class.
    const withNullClass = { bootFailureProbability: { default: 0.1, null: 0.9 }, workloadFailureProbability: { default: 0.2, null: 0.8 } };
    expect(bootFailureProbabilityFor(withNullClass, null)).toBe(0.1);
    expect(workloadFailureProbabilityFor(withNullClass, null)).toBe(0.2);
    expect(bootFailureProbabilityFor(withNullClass, 'null')).toBe(0.9);
  });

  it('do not read inherited properties as classes: hardware "toString" gets the default', () => {
    expect(bootFailureProbabilityFor(release, 'toString')).toBe(0.1);
  });
});

describe('the editor schema of releases, generated afresh', () => {
  it('matches the committed docs/scenario.schema.json', async () => {
    const { generated, committed } = await freshJsonSchemaSection('releases');
    expect(generated).toEqual(committed);
  });
});
