// Writes the published JSON Schemas from the zod schemas (the source of truth). Run after `npm run build`.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../lib/core/config/index.js';
import { registryJsonSchema } from '../lib/core/promotion/index.js';

for (const [file, schema] of [
  ['modelgate.schema.json', configJsonSchema()],
  ['registry.schema.json', registryJsonSchema()],
]) {
  writeFileSync(new URL(`../schema/${file}`, import.meta.url), JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote schema/${file}`);
}
