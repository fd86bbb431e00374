/**
 * Chooses how hello tokens are verified, from AUTH_MODE: `jwt` (the state's sign-in, keys
 * from AUTH_JWKS_URL or AUTH_PUBLIC_KEY), `demo` (the demo sign-in's own short-lived tokens
 * for the fictional persons) or `off` (tokens refused with AUTH_NOT_CONFIGURED).
 */
import type { Express } from 'express';
import type { Config } from '../config.js';
import type { DemoPerson } from '../status/status-schema.js';
import { createDemoSignIn } from './demo-sign-in.js';
import { createJwtVerifier, type VerifyIdentity } from './jwt-verifier.js';

export interface IdentitySetup {
  verifyIdentity?: VerifyIdentity;
  /** Mounts the demo sign-in routes (demo mode only). */
  mount(app: Express): void;
}

export function createIdentity(config: Config, demoPersons: readonly DemoPerson[]): IdentitySetup {
  switch (config.AUTH_MODE) {
    case 'off':
      return { mount: () => undefined };
    case 'demo': {
      const demo = createDemoSignIn({ persons: demoPersons });
      return { verifyIdentity: demo.verify, mount: (app) => demo.mount(app) };
    }
    case 'jwt': {
      // The config schema guarantees these in jwt mode.
      const verifyIdentity = createJwtVerifier({
        ...(config.AUTH_JWKS_URL
          ? { jwksUrl: config.AUTH_JWKS_URL }
          : { publicKeyPem: config.AUTH_PUBLIC_KEY ?? '' }),
        issuer: config.AUTH_ISSUER ?? '',
        audience: config.AUTH_AUDIENCE ?? '',
        algorithms: config.AUTH_ALGORITHMS,
        clockToleranceS: config.AUTH_CLOCK_TOLERANCE_S,
      });
      return { verifyIdentity, mount: () => undefined };
    }
  }
}
