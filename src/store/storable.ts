/**
 * What the databases cannot store, made storable before it reaches them. PostgreSQL refuses
 * U+0000 in text (22021) and JavaScript strings may hold lone UTF-16 surrogates, which have no
 * UTF-8 form: both become U+FFFD, the replacement character. Everything else is kept as is.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be matched
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const REPLACEMENT = '\uFFFD';

/** A string with what cannot be stored replaced; anything else as it is (the database judges). */
export function storableText<T>(value: T): T {
  return (typeof value === 'string' ? value.replace(UNSTORABLE, REPLACEMENT) : value) as T;
}

export function storableOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : storableText(value);
}
