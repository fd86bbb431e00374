/** Writes docs/status-panel-api.schema.json from the zod schemas of the status panel API. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { statusPanelJsonSchemaText } from '../src/status/status-api-schema.js';

const file = fileURLToPath(new URL('../docs/status-panel-api.schema.json', import.meta.url));
writeFileSync(file, statusPanelJsonSchemaText());
process.stderr.write(`wrote ${file}\n`);
