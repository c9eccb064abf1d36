// Regenerates docs/scenario.schema.json from the zod schema: `npx tsx scripts/gen-schema.ts`.
// test/scenario/json-schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../sim/scenario/json-schema.ts';

const target = fileURLToPath(new URL('../docs/scenario.schema.json', import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
