/**
 * The demo sign-in (AUTH_MODE=demo only): pick one of the fictional demo persons and get a
 * short-lived token signed with a random key made at start (so no token outlives the
 * process). The hello frame carries it like a real one, and it is verified the same way.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Express } from 'express';
import { z } from 'zod';
import type { DemoPerson } from '../status/status-schema.js';
import type { Identity } from '../session/session.js';
import { HttpError, parseBody } from '../transport/http.js';
import { createJwtVerifier, type VerifyIdentity } from './jwt-verifier.js';

export const DEMO_ISSUER = 'urn:life-event-assistant:demo-sign-in';
export const DEMO_AUDIENCE = 'urn:life-event-assistant:chat';

export interface DemoSignInOptions {
  persons: readonly DemoPerson[];
  /** Token lifetime. */
  ttlS?: number;
  now?: () => number;
}

export interface DemoSignIn {
  list(): { id: string; name: string; lifeEvents: string[] }[];
  issue(personId: string): Promise<{ token: string; name: string; expiresAt: string }>;
  verify: VerifyIdentity;
  /** GET /api/v1/demo/persons and POST /api/v1/demo/sign-in. */
  mount(app: Express): void;
}

const SignInBody = z.object({ personId: z.string().min(1).max(64) }).strict();

export function createDemoSignIn(options: DemoSignInOptions): DemoSignIn {
  const ttlS = options.ttlS ?? 60 * 60;
  const now = options.now ?? Date.now;
  const secret = new Uint8Array(randomBytes(32));
  const byId = new Map(options.persons.map((p) => [p.id, p]));
  const verify = createJwtVerifier({
    key: secret,
    issuer: DEMO_ISSUER,
    audience: DEMO_AUDIENCE,
    algorithms: ['HS256'],
    clockToleranceS: 0,
    now,
  });

  const demo: DemoSignIn = {
    list: () =>
      options.persons.map((p) => ({
        id: p.id,
        name: p.name,
        lifeEvents: p.lifeEvents.map((le) => le.lifeEvent),
      })),
    async issue(personId) {
      const person = byId.get(personId);
      if (!person) throw new HttpError(404, 'UNKNOWN_PERSON', `No demo person ${personId}.`);
      const iat = Math.floor(now() / 1000);
      const token = await new SignJWT({ name: person.name })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(DEMO_ISSUER)
        .setAudience(DEMO_AUDIENCE)
        .setSubject(person.personalCode)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlS)
        .sign(secret);
      return { token, name: person.name, expiresAt: new Date((iat + ttlS) * 1000).toISOString() };
    },
    verify,
    mount(app) {
      app.get('/api/v1/demo/persons', (_req, res) => {
        res.json({ persons: demo.list() });
      });
      app.post('/api/v1/demo/sign-in', async (req, res) => {
        const body = parseBody(SignInBody, req.body);
        res.status(201).json(await demo.issue(body.personId));
      });
    },
  };
  return demo;
}

/**
 * The identity of a demo person by id, for the conversation runner and the terminal chat
 * (scripted conversations say `identity: anna-aas`); undefined for an unknown id.
 */
export function demoIdentity(
  persons: readonly DemoPerson[],
  personId: string,
): Identity | undefined {
  const person = persons.find((p) => p.id === personId);
  return person && { subject: person.personalCode, name: person.name };
}
