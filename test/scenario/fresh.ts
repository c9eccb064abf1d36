// The scenario module imported afresh, for tests of how the schema is put together: the schema is
// built once, when sim/scenario/schema.ts is first imported, and StrykerJS's vitest runner keeps
// modules loaded between mutants, so only a module evaluated again sees a mutant there
// (fresh-schema.test.ts explains more).
import { readFileSync } from 'node:fs';
import { vi } from 'vitest';
import type { ParseResult } from '../../sim/scenario/load.ts';

export type ScenarioModule = typeof import('../../sim/scenario/index.ts');
type JsonSchemaModule = typeof import('../../sim/scenario/json-schema.ts');

export async function freshScenarioModule(): Promise<ScenarioModule> {
  vi.resetModules();
  return import('../../sim/scenario/index.ts');
}

/** `path: message` of every error of a parse (an empty list when the file is valid). */
export function pathMessages(result: ParseResult): string[] {
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

type JsonSchemaNode = { properties: Record<string, any> };

/** One top-level section of the editor schema generated afresh, and the same section of the committed docs/scenario.schema.json. */
export async function freshJsonSchemaSection(section: string): Promise<{ generated: any; committed: any }> {
  vi.resetModules();
  const { scenarioJsonSchema }: JsonSchemaModule = await import('../../sim/scenario/json-schema.ts');
  const committed = JSON.parse(readFileSync(new URL('../../docs/scenario.schema.json', import.meta.url), 'utf8')) as JsonSchemaNode;
  return { generated: (scenarioJsonSchema() as JsonSchemaNode).properties[section], committed: committed.properties[section] };
}
