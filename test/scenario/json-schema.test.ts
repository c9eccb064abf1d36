// Checks that docs/scenario.schema.json is what scripts/gen-schema.ts generates from the zod
// schema today (so the editor schema never drifts), and that it describes the input side.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../../sim/scenario/json-schema.ts';

describe('docs/scenario.schema.json', () => {
  it('equals the generated schema (run `npx tsx scripts/gen-schema.ts` after changing the schema)', () => {
    const committed = readFileSync(new URL('../../docs/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('describes what a file may say: strings with units, defaults, no unknown keys', () => {
    const schema = scenarioJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, any> };
    expect(schema.required).toEqual(['name', 'duration']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.duration.type).toEqual(['string', 'number']);
    expect(schema.properties.fleet.properties.updateCheck.properties.interval.default).toBe('45m');
    expect(schema.properties.reboot.properties.strategy.enum).toEqual(['etcd-lock', 'fleet-lock', 'reboot', 'off', 'daemonset-lock', 'immediate', 'periodic']);
    expect(schema.properties.faults.items.oneOf ?? schema.properties.faults.items.anyOf).toHaveLength(11);
  });
});
