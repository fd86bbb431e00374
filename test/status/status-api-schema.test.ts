import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statusPanelJsonSchema } from '../../src/status/status-api-schema.js';
import { loadStatusTexts } from '../../src/status/status-texts.js';
import { loadDemoPersons } from '../../src/status/fixture-status-panel.js';
import { LANGS } from '../../src/protocol/frames.js';

describe('status panel API documents', () => {
  it('has a committed JSON Schema that matches the zod schemas (run npm run status-panel:schema)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../docs/status-panel-api.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(statusPanelJsonSchema());
  });

  it('lists every service id the fixture uses in docs/status-panel-api.md', () => {
    const doc = readFileSync(new URL('../../docs/status-panel-api.md', import.meta.url), 'utf8');
    const ids = new Set(
      loadDemoPersons().persons.flatMap((p) => [
        ...p.lifeEvents.flatMap((le) => le.services.map((s) => s.serviceId)),
        ...p.offers.map((o) => o.serviceId),
      ]),
    );
    for (const id of ids) expect(doc, id).toContain(`\`${id}\``);
  });
});

describe('status texts', () => {
  const texts = loadStatusTexts(new URL('../../locales', import.meta.url).pathname);

  it('name every service the fixture uses, in every language', () => {
    const used = loadDemoPersons().persons.flatMap((p) => [
      ...p.lifeEvents.flatMap((le) => le.services.map((s) => s.serviceId)),
      ...p.offers.map((o) => o.serviceId),
    ]);
    for (const id of used) expect(texts.serviceIds, id).toContain(id);
    expect(LANGS.map((lang) => texts.serviceName(lang, 'death-funeral-grant'))).toEqual([
      'Matusetoetus',
      'Funeral grant',
      'Пособие на погребение',
    ]);
  });

  it('falls back to a readable name for a service id it does not know', () => {
    expect(texts.serviceName('en', 'brand-new-service')).toBe('Brand new service');
  });
});
