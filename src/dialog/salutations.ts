/**
 * Words people use both to say hello and to say goodbye ("tšau", "head päeva", «доброй ночи»).
 * The NLU labels such a bare word `greeting` (one label per text across the training data); the
 * dialog reads it by where it comes in the conversation: once a life event has been talked
 * about, a bare one is a goodbye. Anything beside it decides by itself ("tšau, mul on küsimus"
 * is a greeting, "tšau, ma lähen" a goodbye), so only the whole message is compared.
 */
import { deaccent, normalize } from '../nlu/normalize.js';

const BOTH_WAYS: readonly string[] = [
  // et
  'tsau',
  'tsauki',
  'tsau tsau',
  'tsauki tsauki',
  'head paeva',
  // en
  'good day',
  'cheerio',
  // ru
  'доброи ночи',
  'салют',
  'чао',
].map((s) => deaccent(normalize(s)));

/** Whether the whole message is a salutation used both for hello and for goodbye. */
export function isBothWaysSalutation(text: string): boolean {
  return BOTH_WAYS.includes(deaccent(normalize(text)).trim());
}
