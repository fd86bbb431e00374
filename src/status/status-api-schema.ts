/**
 * The machine-readable contract of the status panel API (docs/status-panel-api.schema.json),
 * generated from the same zod schemas the adapter validates with, so the two cannot drift;
 * a test checks the committed file is current (`npm run status-panel:schema` rewrites it).
 */
import { z } from 'zod';
import { WireError, WirePersonStatus } from './status-schema.js';
import { WireStatusEvent } from './status-events.js';

export function statusPanelJsonSchema(): Record<string, unknown> {
  const def = (schema: z.ZodType, description: string) => {
    const generated = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
    delete generated.$schema;
    return { description, ...generated };
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Status panel API, version 1',
    description:
      'See docs/status-panel-api.md. Personal codes are also checked for their check digit and birth date, which JSON Schema cannot express.',
    $defs: {
      PersonStatus: def(WirePersonStatus, 'GET /v1/persons/{personalCode}/status -> 200'),
      StatusEvent: def(WireStatusEvent, 'POST {assistant}/api/v1/status-events body, signed'),
      Error: def(WireError, 'Body of every non-2xx answer'),
    },
  };
}

export function statusPanelJsonSchemaText(): string {
  return `${JSON.stringify(statusPanelJsonSchema(), null, 2)}\n`;
}
