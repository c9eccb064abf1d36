// Hand-fed cases for the `workloads` section (sim/scenario/workloads.ts), parsed with a scenario
// module imported afresh (as fresh-schema.test.ts explains: the schema is built once at import,
// so only a fresh import sees a change in how it is built). Expectations come from the contract
// in docs/scenario-format.md "workloads[]": minAvailable is an integer >= 0, at most replicas, or
// "N%" with N a whole number 0..100; quorum is 1..replicas; names unique; groups exist.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkWorkloadReferences, workloadsSchema } from '../../sim/scenario/workloads.ts';
import { freshJsonSchemaSection, freshScenarioModule, pathMessages, type ScenarioModule } from './fresh.ts';
import { lines } from './helpers.ts';

let fresh: ScenarioModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
});

const fleet = ['name: w', 'duration: 1d', 'fleet:', '  groups:', '    - {name: prod, nodes: 6}', '    - {name: edge, nodes: 2}'];

/** `path: message` of every error, or [] when the file is valid. */
function errors(...body: string[]): string[] {
  const result = fresh.parseScenario(lines(...fleet, 'workloads:', ...body), 'test.yaml');
  return pathMessages(result);
}

function workloads(...body: string[]) {
  const result = fresh.parseScenario(lines(...fleet, 'etcd: {members: 3}', 'workloads:', ...body), 'test.yaml');
  if (!result.ok) expect.fail(result.errors.map(fresh.formatScenarioError).join('\n'));
  return result.scenario.workloads;
}

/** The minAvailable a one-workload file with 10 replicas reads, or its first error. */
function minAvailable(value: string): unknown {
  const result = fresh.parseScenario(lines(...fleet, 'workloads:', `  - {name: api, replicas: 10, minAvailable: ${value}}`), 'test.yaml');
  return result.ok ? result.scenario.workloads[0].minAvailable : `${result.errors[0].path}: ${result.errors[0].message}`;
}

const badMinAvailable = (found: string) => `workloads[0].minAvailable: expected a whole count >= 0 or a whole percentage "0%".."100%", found ${found}`;

describe('a workload read by a freshly built schema', () => {
  it('gets every documented default when it gives only name, replicas and minAvailable', () => {
    // docs/scenario-format.md: groups null, placement spread, quorum null, startup {min: 10s, max: 30s}
    // (10 000 and 30 000 ms), reschedule null, discovery null.
    expect(workloads('  - {name: api, replicas: 3, minAvailable: 2}')).toEqual([
      { name: 'api', replicas: 3, groups: null, placement: 'spread', minAvailable: 2, quorum: null, startup: { min: 10_000, max: 30_000 }, reschedule: null, discovery: null },
    ]);
  });

  it('keeps what it is told: two groups, pack placement, and discovery through etcd', () => {
    const [w] = workloads('  - {name: api, replicas: 3, minAvailable: 2, groups: [prod, edge], placement: pack, discovery: etcd}');
    expect(w).toMatchObject({ groups: ['prod', 'edge'], placement: 'pack', discovery: 'etcd' });
  });

  it('refuses an empty groups list: at least one group, or null for all', () => {
    expect(errors('  - {name: api, replicas: 3, minAvailable: 2, groups: []}')).toEqual(['workloads[0].groups: expected at least 1 item, found 0']);
  });

  it('names what it expected when the name or a group is a number', () => {
    expect(errors('  - {name: 5, replicas: 3, minAvailable: 2}')).toEqual(['workloads[0].name: expected a workload name, found the number 5']);
    expect(errors('  - {name: api, replicas: 3, minAvailable: 2, groups: [7]}')).toEqual(['workloads[0].groups[0]: expected a fleet group name, found the number 7']);
  });

  it('refuses a placement or a discovery it does not know, listing the ones it does', () => {
    expect(errors('  - {name: api, replicas: 3, minAvailable: 2, placement: random}')).toEqual(['workloads[0].placement: expected one of: spread, pack; found "random"']);
    expect(errors('  - {name: api, replicas: 3, minAvailable: 2, discovery: consul}')).toEqual(['workloads[0].discovery: expected one of: etcd; found "consul"']);
  });
});

describe('minAvailable, as Kubernetes IntOrString rounded up (docs/scenario-format.md)', () => {
  it('takes whole counts from 0 up to replicas, and refuses negative or fractional counts', () => {
    expect(minAvailable('0')).toBe(0); // integer >= 0: 0 is allowed
    expect(minAvailable('10')).toBe(10); // = replicas: "at most replicas"
    expect(minAvailable('-1')).toBe(badMinAvailable('the number -1'));
    expect(minAvailable('2.5')).toBe(badMinAvailable('the number 2.5'));
    expect(minAvailable('11')).toBe('workloads[0].minAvailable: expected minAvailable <= replicas (10), found 11');
  });

  it('takes whole percentages 0%..100%, multi-digit ones too, and writes them back as "N%"', () => {
    expect(minAvailable('"0%"')).toBe('0%');
    expect(minAvailable('"50%"')).toBe('50%');
    expect(minAvailable('"100%"')).toBe('100%');
    // 50.00 is the whole number 50, so it is allowed and written as "50%".
    expect(minAvailable('"50.00%"')).toBe('50%');
    expect(minAvailable('"7.0%"')).toBe('7%');
    // Blanks around the percentage are not part of it.
    expect(minAvailable('" 50% "')).toBe('50%');
  });

  it('refuses percentages that are not whole, above 100, or have text before or after', () => {
    expect(minAvailable('"50.5%"')).toBe(badMinAvailable('"50.5%"'));
    expect(minAvailable('"101%"')).toBe(badMinAvailable('"101%"'));
    expect(minAvailable('"x50%"')).toBe(badMinAvailable('"x50%"'));
    expect(minAvailable('"50%x"')).toBe(badMinAvailable('"50%x"'));
    expect(minAvailable('"50"')).toBe(badMinAvailable('"50"'));
    expect(minAvailable('"most"')).toBe(badMinAvailable('"most"'));
  });

  it('says a count or a percentage is expected when minAvailable is neither a number nor a string', () => {
    expect(minAvailable('true')).toBe('workloads[0].minAvailable: expected a count like 27 or a percentage like "90%", found the boolean true');
    expect(minAvailable('[1]')).toBe('workloads[0].minAvailable: expected a count like 27 or a percentage like "90%", found a list');
  });

  it('compares a percentage with nothing: "100%" of 10 replicas is fine, a count equal to replicas too', () => {
    expect(errors('  - {name: api, replicas: 10, minAvailable: "100%", quorum: 10}')).toEqual([]);
  });
});

describe('limits against replicas and other workloads', () => {
  it('allows quorum equal to replicas and refuses one above, at quorum', () => {
    expect(errors('  - {name: kv, replicas: 3, minAvailable: 1, quorum: 3}')).toEqual([]);
    expect(errors('  - {name: kv, replicas: 3, minAvailable: 1, quorum: 4}')).toEqual(['workloads[0].quorum: expected quorum <= replicas (3), found 4']);
  });

  it('refuses a name used twice, at the second name', () => {
    expect(errors('  - {name: api, replicas: 3, minAvailable: 2}', '  - {name: db, replicas: 3, minAvailable: 2}', '  - {name: api, replicas: 2, minAvailable: 1}')).toEqual([
      'workloads[2].name: expected unique workload names, found "api" again',
    ]);
  });
});

describe('checkWorkloadReferences (workloads.ts), called directly', () => {
  const workload = (groups: string[] | null, discovery: 'etcd' | null = null) =>
    ({ name: 'api', replicas: 3, groups, placement: 'spread', minAvailable: 2, quorum: null, startup: { min: 0, max: 0 }, reschedule: null, discovery }) as const;
  const pushed = (groups: string[] | null, groupNames: string[] | undefined, members?: number, discovery: 'etcd' | null = null) => {
    const out: string[] = [];
    checkWorkloadReferences([workload(groups, discovery)], groupNames, members, (path, message) => out.push(`${path.join('/')}: ${message}`));
    return out;
  };

  it('says "none" when the fleet has no groups at all', () => {
    expect(pushed(['prod'], [])).toEqual(['workloads/0/groups/0: expected a group of fleet.groups (none), found "prod"']);
  });

  it('lists the fleet groups, comma-separated, for a group that is missing, and is silent for known ones', () => {
    expect(pushed(['prod', 'lab'], ['prod', 'edge'])).toEqual(['workloads/0/groups/1: expected a group of fleet.groups (prod, edge), found "lab"']);
    expect(pushed(['prod', 'edge'], ['prod', 'edge'])).toEqual([]);
  });

  it('does not check groups when the fleet section could not be read (groupNames undefined)', () => {
    expect(pushed(['anything'], undefined)).toEqual([]);
  });

  it('wants etcd members only for discovery: etcd', () => {
    expect(pushed(null, ['prod'], 0, 'etcd')).toEqual(['workloads/0/discovery: expected an etcd cluster for discovery: etcd (etcd.members >= 1), found etcd.members 0']);
    expect(pushed(null, ['prod'], 3, 'etcd')).toEqual([]);
  });
});

describe('workloadsSchema (workloads.ts) used on its own, as a zod schema', () => {
  // Its own checks raise zod "custom" issues (zod's code for a check written in code), each with
  // its path inside the list and the message the loader prints.
  const issues = (input: unknown) => {
    const result = workloadsSchema().safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message }));
  };

  it('reports minAvailable and quorum above replicas, and a bad percentage, as custom issues', () => {
    expect(issues([{ name: 'a', replicas: 2, minAvailable: 3, quorum: 3 }])).toEqual([
      { code: 'custom', path: [0, 'minAvailable'], message: 'expected minAvailable <= replicas (2), found 3' },
      { code: 'custom', path: [0, 'quorum'], message: 'expected quorum <= replicas (2), found 3' },
    ]);
    expect(issues([{ name: 'a', replicas: 2, minAvailable: '120%' }])).toEqual([
      { code: 'custom', path: [0, 'minAvailable'], message: 'expected a whole count >= 0 or a whole percentage "0%".."100%", found "120%"' },
    ]);
  });

  it('reports a repeated name as a custom issue at the second name', () => {
    expect(issues([{ name: 'a', replicas: 1, minAvailable: 1 }, { name: 'a', replicas: 1, minAvailable: 1 }])).toEqual([
      { code: 'custom', path: [1, 'name'], message: 'expected unique workload names, found "a" again' },
    ]);
  });
});

describe('the editor schema of workloads, generated afresh', () => {
  it('matches the committed docs/scenario.schema.json, minAvailable description included', async () => {
    const { generated, committed } = await freshJsonSchemaSection('workloads');
    expect(generated).toEqual(committed);
    expect(generated.items.properties.minAvailable.description).toBe(
      'a count of ready instances, or "N%" of the replicas (rounded up, as a PodDisruptionBudget)',
    );
  });
});
