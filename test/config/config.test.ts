import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      AUTH_MODE: 'off',
      LOG_LEVEL: 'info',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('treats an empty variable as not set', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
  });

  it('names every wrong variable and what it got', () => {
    try {
      loadConfig({ PORT: 'eighty', AUTH_MODE: 'maybe', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toContain('PORT');
      expect(message).toContain('"eighty"');
      expect(message).toContain('AUTH_MODE');
      expect(message).toContain('DATABASE_URL');
    }
  });

  it('splits ALLOWED_ORIGINS on commas', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://a.ee, https://b.ee' }).ALLOWED_ORIGINS).toEqual([
      'https://a.ee',
      'https://b.ee',
    ]);
  });
});

describe('loadConfig identity settings', () => {
  it('requires issuer, audience and one key source when AUTH_MODE=jwt', () => {
    let message = '';
    try {
      loadConfig({ AUTH_MODE: 'jwt' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('AUTH_ISSUER: required when AUTH_MODE=jwt');
    expect(message).toContain('AUTH_AUDIENCE: required when AUTH_MODE=jwt');
    expect(message).toContain('exactly one of AUTH_JWKS_URL or AUTH_PUBLIC_KEY');
  });

  it('accepts jwt mode with a JWKS URL, issuer and audience', () => {
    const config = loadConfig({
      AUTH_MODE: 'jwt',
      AUTH_JWKS_URL: 'https://tara.example.ee/oidc/jwks',
      AUTH_ISSUER: 'https://tara.example.ee',
      AUTH_AUDIENCE: 'assistant',
    });
    expect(config.AUTH_ALGORITHMS).toContain('RS256');
  });

  it('refuses a public key that is not PEM and symmetric algorithms, without echoing secrets', () => {
    let message = '';
    try {
      loadConfig({
        AUTH_PUBLIC_KEY: 'abc',
        AUTH_ALGORITHMS: 'HS256',
        STATUS_WEBHOOK_SECRET: 'short',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('AUTH_PUBLIC_KEY');
    expect(message).toContain('AUTH_ALGORITHMS');
    expect(message).toContain('STATUS_WEBHOOK_SECRET');
    expect(message).not.toContain('"short"');
    expect(message).not.toContain('"abc"');
  });
});
