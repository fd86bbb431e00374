/**
 * The id in a plan's address (/plan/{token}): the conversation id sealed with AES-256-GCM, so
 * the address can be kept or shared without handing out the conversation id (which can post
 * messages). Opening the token needs the same key; a forged or altered token opens to nothing.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface PlanTokens {
  seal(conversationId: string): string;
  /** The conversation id, or undefined for a token this key did not seal. */
  open(token: string): string | undefined;
}

/**
 * @param secret any long secret (the deployment's PSEUDONYM_KEY); without one a random key is
 * used, so plan addresses then last only as long as the process.
 */
export function createPlanTokens(secret?: string): PlanTokens {
  const key = secret
    ? createHash('sha256').update(`plan-token:${secret}`).digest()
    : randomBytes(32);
  return {
    seal(conversationId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(conversationId, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(token) {
      if (!/^[A-Za-z0-9_-]{40,400}$/.test(token)) return undefined;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 29) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        return undefined;
      }
    },
  };
}
