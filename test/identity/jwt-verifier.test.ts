import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SignJWT,
  UnsecuredJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
} from 'jose';
import {
  createJwtVerifier,
  IdentityError,
  type VerifyIdentity,
} from '../../src/identity/jwt-verifier.js';

const ISSUER = 'https://tara.example.ee';
const AUDIENCE = 'life-event-assistant';
const CODE = '49005120001';

let server: Server;
let jwksUrl: string;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let publicPem: string;
let jwks: VerifyIdentity;
let pem: VerifyIdentity;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  publicPem = await exportSPKI(pair.publicKey);
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  const common = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256', 'ES256'] };
  jwks = createJwtVerifier({ jwksUrl, ...common });
  pem = createJwtVerifier({ publicKeyPem: publicPem.replace(/\n/g, '\\n'), ...common });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface TokenOptions {
  key?: CryptoKey;
  sub?: string;
  iss?: string;
  aud?: string;
  exp?: number | string;
  claims?: Record<string, unknown>;
}

function token(o: TokenOptions = {}): Promise<string> {
  return new SignJWT({ given_name: 'Mari', family_name: 'Maasikas', ...o.claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(o.sub ?? CODE)
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(o.exp ?? '5m')
    .sign(o.key ?? signingKey);
}

async function problem(verify: VerifyIdentity, t: string | Promise<string>): Promise<string> {
  try {
    await verify(await t);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(IdentityError);
    expect((err as IdentityError).code).toBe('AUTH_INVALID_TOKEN');
    return (err as IdentityError).problem;
  }
}

describe.each([
  ['a JWKS URL', () => jwks],
  ['a PEM public key', () => pem],
])('JWT identity verifier with %s', (_name, verifier) => {
  it('accepts a valid token and gives the personal code and the name', async () => {
    expect(await verifier()(await token())).toEqual({ subject: CODE, name: 'Mari Maasikas' });
  });

  it('accepts the EE-prefixed subject TARA gives and its profile attributes', async () => {
    const t = await token({
      sub: `EE${CODE}`,
      claims: {
        given_name: undefined,
        family_name: undefined,
        profile_attributes: { given_name: 'MARI', family_name: 'MAASIKAS' },
      },
    });
    expect(await verifier()(t)).toEqual({ subject: CODE, name: 'MARI MAASIKAS' });
  });

  it('rejects a forged token signed with another key', async () => {
    expect(await problem(verifier(), token({ key: otherKey }))).toBe('signature');
  });

  it('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect(await problem(verifier(), token({ exp: past }))).toBe('expired');
  });

  it('rejects a token from another issuer', async () => {
    expect(await problem(verifier(), token({ iss: 'https://evil.example' }))).toBe('issuer');
  });

  it('rejects a token for another audience', async () => {
    expect(await problem(verifier(), token({ aud: 'someone-else' }))).toBe('audience');
  });

  it('rejects an unsigned token (alg none)', async () => {
    const unsigned = new UnsecuredJWT({ sub: CODE })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .encode();
    expect(await problem(verifier(), unsigned)).not.toBe('accepted');
  });

  it('rejects an HS256 token made with the public key as the secret', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(CODE)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicPem));
    expect(await problem(verifier(), forged)).not.toBe('accepted');
  });

  it('rejects a subject that is not a valid personal code', async () => {
    expect(await problem(verifier(), token({ sub: '49005120002' }))).toBe('subject');
    expect(await problem(verifier(), token({ sub: 'mari' }))).toBe('subject');
  });

  it('rejects garbage', async () => {
    expect(await problem(verifier(), 'not.a.jwt')).toBe('malformed');
  });
});

describe('JWT identity verifier setup', () => {
  it('needs exactly one key source', () => {
    expect(() =>
      createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] }),
    ).toThrow(/exactly one/);
  });

  it('says the keys are unavailable when the JWKS URL does not answer', async () => {
    const verify = createJwtVerifier({
      jwksUrl: 'http://127.0.0.1:9/jwks.json',
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
    });
    expect(await problem(verify, token())).toBe('keys-unavailable');
  });
});
