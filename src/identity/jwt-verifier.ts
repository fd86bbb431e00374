/**
 * Verifies the signed identity token the host page passes in the hello frame (the state's
 * sign-in): signature (JWKS URL or a public key), issuer, audience, expiry, and that the
 * subject is a valid Estonian personal code. The verified subject is the only key the status
 * is ever looked up by.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Identity } from '../session/session.js';
import { parsePersonalCode } from './personal-code.js';

export type IdentityProblem =
  | 'malformed'
  | 'signature'
  | 'algorithm'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'subject'
  | 'keys-unavailable';

/** A refused token; `problem` goes to logs, the client only learns AUTH_INVALID_TOKEN. */
export class IdentityError extends Error {
  override name = 'IdentityError';
  readonly code = 'AUTH_INVALID_TOKEN';
  constructor(
    readonly problem: IdentityProblem,
    message: string,
  ) {
    super(message);
  }
}

export type VerifyIdentity = (token: string) => Promise<Identity>;

export interface JwtVerifierOptions {
  /** Exactly one of: a JWKS URL, a PEM public key, or a key/secret (the demo sign-in). */
  jwksUrl?: string;
  publicKeyPem?: string;
  key?: KeyObject | Uint8Array;
  issuer: string;
  audience: string;
  algorithms: string[];
  clockToleranceS?: number;
  /** For tests: the time the token is checked against. */
  now?: () => number;
  /** Time limit for fetching the JWKS. */
  jwksTimeoutMs?: number;
}

export function createJwtVerifier(options: JwtVerifierOptions): VerifyIdentity {
  const sources = [options.jwksUrl, options.publicKeyPem, options.key].filter(
    (s) => s !== undefined,
  );
  if (sources.length !== 1)
    throw new RangeError('give exactly one of jwksUrl, publicKeyPem or key');
  let key: JWTVerifyGetKey | KeyObject | Uint8Array;
  if (options.jwksUrl) {
    key = createRemoteJWKSet(new URL(options.jwksUrl), {
      timeoutDuration: options.jwksTimeoutMs ?? 3000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  } else if (options.publicKeyPem) {
    key = createPublicKey(normalizePem(options.publicKeyPem));
  } else {
    key = options.key as KeyObject | Uint8Array;
  }

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as KeyObject, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: options.algorithms,
        clockTolerance: options.clockToleranceS ?? 30,
        requiredClaims: ['exp', 'sub'],
        ...(options.now && { currentDate: new Date(options.now()) }),
      }));
    } catch (err) {
      throw toIdentityError(err);
    }
    return identityFrom(payload, new Date(options.now?.() ?? Date.now()));
  };
}

/** Subject: a personal code, optionally with the EE country prefix (as TARA gives it). */
export function identityFrom(payload: JWTPayload, today = new Date()): Identity {
  const sub = String(payload.sub ?? '');
  const code = /^EE\d{11}$/.test(sub) ? sub.slice(2) : sub;
  const parsed = parsePersonalCode(code, { today });
  if (!parsed.ok)
    throw new IdentityError(
      'subject',
      `subject is not an Estonian personal code: ${parsed.message}`,
    );
  const profile = (payload.profile_attributes ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const given = str(payload.given_name) || str(profile.given_name);
  const family = str(payload.family_name) || str(profile.family_name);
  const name = str(payload.name) || `${given} ${family}`.trim();
  return { subject: parsed.value.code, name: name.slice(0, 200) };
}

function toIdentityError(err: unknown): IdentityError {
  if (err instanceof IdentityError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof errors.JWTExpired) return new IdentityError('expired', message);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new IdentityError('issuer', message);
    if (err.claim === 'aud') return new IdentityError('audience', message);
    if (err.claim === 'nbf' || err.claim === 'iat')
      return new IdentityError('not-yet-valid', message);
    return new IdentityError('malformed', message);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return new IdentityError('algorithm', message);
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWKSNoMatchingKey
  )
    return new IdentityError('signature', message);
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return new IdentityError('keys-unavailable', message);
  if (err instanceof errors.JOSEError) return new IdentityError('malformed', message);
  // fetch failures of the JWKS and anything unexpected
  return new IdentityError('keys-unavailable', message);
}

/** A PEM given in one env line may have its newlines written as \n. */
export function normalizePem(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}
