/**
 * The signed-in subject (a personal code) is never stored; transcripts keep a keyed pseudonym,
 * HMAC-SHA256(key, subject), so all conversations of one person can be found and deleted on
 * request by whoever holds the key, and nobody can reverse it without the key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Pseudonymize = (subject: string) => string;

export function createPseudonymizer(key: string | Buffer): Pseudonymize {
  return (subject) =>
    createHmac('sha256', key).update(subject.trim().toUpperCase(), 'utf8').digest('hex');
}

/**
 * The key from PSEUDONYM_KEY, or (for development) a random key kept in
 * `${dataDir}/pseudonym.key`, created on first use with mode 0600. Losing that file makes old
 * pseudonyms unmatchable (deletion by subject can no longer find them; retention still purges).
 */
export function loadPseudonymKey(
  configured: string | undefined,
  dataDir: string,
): { key: string | Buffer; source: 'env' | 'file' } {
  if (configured) return { key: configured, source: 'env' };
  const file = join(dataDir, 'pseudonym.key');
  if (existsSync(file))
    return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'), source: 'file' };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, source: 'file' };
}
