/**
 * The back office's texts and canned replies, from locales/<lang>/staff.json, validated at
 * start: `ui` holds the interface texts (nested keys, `{{name}}` placeholders), `canned` the
 * agents' ready replies in that language (to citizens writing in it). Estonian is the default
 * interface language; every interface language must have every key the Estonian one has.
 * The canned replies here are the defaults: they seed the database, where admins edit them in
 * the back office (src/store/canned-store.ts, docs/staff.md "Texts and canned replies").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LANGS, type Lang } from '../protocol/frames.js';

export const CannedReply = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be a kebab-case id'),
    label: z.string().min(1).max(60),
    text: z.string().min(1).max(2000),
  })
  .strict();
export type CannedReply = z.infer<typeof CannedReply>;

type Texts = { [key: string]: string | Texts };
const TextsSchema: z.ZodType<Texts> = z.lazy(() =>
  z.record(
    z.string().regex(/^[A-Za-z0-9_()-]+$/, 'keys are letters, digits, _ - ( ) only'),
    z.union([z.string().min(1, 'must not be empty'), TextsSchema], {
      error: 'must be a text or an object of texts',
    }),
  ),
);

const StaffFile = z
  .object({ ui: TextsSchema.optional(), canned: z.array(CannedReply).default([]) })
  .strict();

export const DEFAULT_UI_LANG: Lang = 'et';

export interface StaffLocales {
  /** Interface texts per language that has them (Estonian always). */
  ui: Partial<Record<Lang, Texts>>;
  canned: Record<Lang, CannedReply[]>;
}

export class StaffLocaleError extends Error {
  override name = 'StaffLocaleError';
  readonly code = 'BAD_STAFF_LOCALE';
}

/** Flattened `a.b.c` keys of a nested text object. */
export function textKeys(texts: Texts, prefix = ''): string[] {
  return Object.entries(texts).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : textKeys(v, `${prefix}${k}.`),
  );
}

export function loadStaffLocales(localesDir: string): StaffLocales {
  const problems: string[] = [];
  const result: StaffLocales = { ui: {}, canned: { et: [], en: [], ru: [] } };
  for (const lang of LANGS) {
    const file = join(localesDir, lang, 'staff.json');
    if (!existsSync(file)) {
      if (lang === DEFAULT_UI_LANG) problems.push(`${file}: missing`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = StaffFile.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues)
        problems.push(`${file}: ${i.path.join('.') || '(file)'}: ${i.message}`);
      continue;
    }
    if (parsed.data.ui) result.ui[lang] = parsed.data.ui;
    result.canned[lang] = parsed.data.canned;
    const ids = parsed.data.canned.map((c) => c.id);
    for (const id of ids.filter((id, i) => ids.indexOf(id) !== i))
      problems.push(`${file}: canned reply id "${id}" appears twice`);
  }
  const base = result.ui[DEFAULT_UI_LANG];
  if (!base && problems.length === 0) problems.push(`${DEFAULT_UI_LANG}/staff.json: no "ui" texts`);
  if (base) {
    const want = new Set(textKeys(base));
    for (const [lang, texts] of Object.entries(result.ui)) {
      const have = new Set(textKeys(texts));
      for (const k of want) if (!have.has(k)) problems.push(`${lang}/staff.json: ui.${k} missing`);
      for (const k of have)
        if (!want.has(k)) problems.push(`${lang}/staff.json: ui.${k} is not in et/staff.json`);
    }
  }
  if (problems.length > 0)
    throw new StaffLocaleError(`Back-office texts are not valid:\n  ${problems.join('\n  ')}`);
  return result;
}
