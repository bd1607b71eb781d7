// Writes schema/modelgate.schema.json from the zod schema (the source of truth). Run after `npm run build`.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../lib/core/config/index.js';

writeFileSync(new URL('../schema/modelgate.schema.json', import.meta.url), JSON.stringify(configJsonSchema(), null, 2) + '\n');
console.log('wrote schema/modelgate.schema.json');
