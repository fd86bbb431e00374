/**
 * Rules a citizen text must keep that a machine can check: no editorial notes meant for the
 * authors, Estonian "sina" for one person (a couple may be "te", but not both in one message),
 * Russian «вы». Pure; each rule says what it found so the author can fix the wording.
 */
import type { Lang } from '../protocol/frames.js';
import type { Problem } from './problem.js';

/** Notes for authors that must not reach citizens, per language. */
const EDITORIAL: Record<Lang, RegExp[]> = {
  et: [
    /\ballikas\b[^.]*\b(ei nimeta|aastat)/i,
    /\bkontrolli kehtiv/i,
    /\bmõnel vanemal\b/i,
    /\bvanematel lehtedel\b/i,
    /\bkinnitamata\b/i,
    /\bunverified\b|\bverify\b|\bsecondary\b/i,
  ],
  en: [
    /\bthe source (names|gives|does)\b/i,
    /\bsome older pages\b/i,
    /\bunverified\b/i,
    /\b(verify|check) the current\b/i,
    /\(secondary\b/i,
  ],
  ru: [
    /\bисточник (не|без)\b/i,
    /\bнекоторые старые\b/i,
    /\bпроверьте действующ/i,
    /\bunverified\b/i,
  ],
};

/** Polite plural "Te/Teie" (with a capital, as in formal letters) is not how we talk to one person. */
const ET_FORMAL = /(^|[^\p{L}])(Te|Teie|Teid|Teile|Teil|Teilt|Teiega)(?=[^\p{L}]|$)/u;
/** Lower-case plural pronouns: fine for a couple, not for one person. */
const ET_PLURAL = /(^|[^\p{L}])(te|teie|teid|teile|teil|teilt|teiega)(?=[^\p{L}]|$)/u;
/** Singular "sina" forms. */
const ET_SINGULAR = /(^|[^\p{L}])(sa|sina|sinu|sind|sul|sulle|sinult|sinuga|su)(?=[^\p{L}]|$)/iu;
/** Plural imperatives end in -ge/-ke ("esitage", "leppige", "tehke"). */
const ET_IMPERATIVE_PLURAL = /(^|[^\p{L}])(\p{L}{3,}(?:ge|ke))(?=[^\p{L}]|$)/gu;
/** Words that end like a plural imperative but are not one. */
const NOT_IMPERATIVE = new Set([
  'kõige',
  'kõrge',
  'range',
  'selge',
  'sage',
  'lõige',
  'märge',
  'järge',
  'hange',
  'kerge',
  'õige',
  'nõrge',
  'läige',
  'mäge',
  'jõge',
  'väge',
  'lage',
  'sulge',
]);
/**
 * Word endings that look like -ge/-ke but are nouns or adjectives ("tuge", "väike", "raske",
 * "pereliige").
 */
const NOT_IMPERATIVE_END = /(tuge|liige|väike|raske|lühike|like|ike|oke|ake|aske|iske|uske)$/;
/** Informal "ты" forms: Russian texts address the person with «вы». */
const RU_INFORMAL =
  /(^|[^\p{L}])(ты|тебя|тебе|тобой|твой|твоя|твоё|твои|твоего|твоей)(?=[^\p{L}]|$)/iu;

function pluralImperatives(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(ET_IMPERATIVE_PLURAL)) {
    const word = m[2] ?? '';
    const lower = word.toLowerCase();
    if (NOT_IMPERATIVE.has(lower)) continue;
    if (NOT_IMPERATIVE_END.test(lower)) continue;
    found.push(word);
  }
  return found;
}

export function checkTexts(
  lang: Lang,
  key: string,
  text: string,
  file: string,
  address: 'one' | 'couple',
): Problem[] {
  const problems: Problem[] = [];
  for (const re of EDITORIAL[lang]) {
    const m = re.exec(text);
    if (m) {
      problems.push({
        file,
        path: key,
        message: `no editorial note in a citizen text (found "${m[0]}")`,
      });
    }
  }
  if (lang === 'et') {
    const formal = ET_FORMAL.exec(text);
    if (formal) {
      problems.push({
        file,
        path: key,
        message: `"sina" for one person, "te" in lower case for a couple (found "${formal[2] ?? ''}")`,
      });
    }
    const imperatives = pluralImperatives(text);
    const plural = ET_PLURAL.exec(text);
    if (address === 'one') {
      if (imperatives.length > 0) {
        problems.push({
          file,
          path: key,
          message: `"sina" imperatives for one person (found "${imperatives.join('", "')}")`,
        });
      }
      if (plural) {
        problems.push({
          file,
          path: key,
          message: `"sina" for one person (found "${plural[2] ?? ''}")`,
        });
      }
    } else if ((imperatives.length > 0 || plural) && ET_SINGULAR.test(text)) {
      const singular = ET_SINGULAR.exec(text);
      problems.push({
        file,
        path: key,
        message: `one address form per message: "te" for the couple or "sina" for one (found "${plural?.[2] ?? imperatives[0] ?? ''}" and "${singular?.[2] ?? ''}")`,
      });
    }
  }
  if (lang === 'ru') {
    const informal = RU_INFORMAL.exec(text);
    if (informal) {
      problems.push({
        file,
        path: key,
        message: `«вы», not «ты» (found "${informal[2] ?? ''}")`,
      });
    }
  }
  return problems;
}
