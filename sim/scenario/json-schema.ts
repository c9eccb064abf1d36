// The JSON Schema of the scenario file's INPUT side, for editors (YAML language servers read it
// through a `# yaml-language-server: $schema=...` comment). Generated from the zod schema so the
// two cannot drift; docs/scenario.schema.json is this function's output, checked by a test.

import { z } from 'zod';
import { scenarioSchema } from './schema.ts';

export const SCENARIO_SCHEMA_ID = 'https://fleetsim.dev/schemas/scenario-v1.json';

export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    // Transforms and checks written as functions have no JSON Schema form; their input side
    // (a string or a number) is still described, and the loader gives the precise message.
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...generated,
    $id: SCENARIO_SCHEMA_ID,
    title: 'fleetsim scenario',
    description: 'A fleetsim scenario file (YAML or JSON). See docs/scenario-format.md.',
  };
}

/** The file's text: stable key order as generated, two-space indent, trailing newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
