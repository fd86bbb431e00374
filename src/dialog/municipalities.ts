/**
 * Municipalities (contract 2, data owned by content): dialogs/municipalities.yaml, validated
 * here. The municipality extractor reads the names; direct answers use a municipality's page
 * for a service when it has one, else the common page of the entry `all`.
 */
import { z } from 'zod';

const slug = /^[a-z0-9][a-z0-9-]*$/;
const PerLang = z.strictObject({
  et: z.string().min(1),
  en: z.string().min(1),
  ru: z.string().min(1),
});

export const Municipality = z.strictObject({
  id: z.string().regex(slug, 'a municipality id in kebab-case'),
  name: PerLang,
  site: z.string().url('the municipality site as a URL').optional(),
  pages: z.record(z.string(), PerLang).optional(),
});
export type Municipality = z.infer<typeof Municipality>;

export const Municipalities = z.strictObject({ municipalities: z.array(Municipality) });

export const MUNICIPALITIES_FILE = 'dialogs/municipalities.yaml';
