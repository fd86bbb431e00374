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

  it('takes CORS_ORIGINS as exact origins only, naming each wrong one', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://www.eesti.ee, http://localhost:8080' }).CORS_ORIGINS,
    ).toEqual(['https://www.eesti.ee', 'http://localhost:8080']);
    expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
    const err = (() => {
      try {
        loadConfig({ CORS_ORIGINS: 'https://ok.ee,*,https://a.ee/,ftp://b.ee,https://c.ee/path' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.issues.map((i) => i.split(':')[0])).toEqual([
      'CORS_ORIGINS.1',
      'CORS_ORIGINS.2',
      'CORS_ORIGINS.3',
      'CORS_ORIGINS.4',
    ]);
    expect(err.issues[0]).toMatch(/must be an origin/);
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

describe('configuration errors never echo a secret (issue 15)', () => {
  const secrets = ['s3cr3t-pass', 'hunter2', 'qpass'];

  function messageOf(env: Record<string, string>): string {
    try {
      loadConfig(env);
    } catch (err) {
      return (err as ConfigError).message;
    }
    throw new Error('expected a ConfigError');
  }

  it('leaves user, password and query out of database and Redis URLs', () => {
    const message = messageOf({
      DATABASE_URL: 'mysql://admin:s3cr3t-pass@db.example:5432/app',
      REDIS_URL: 'http://default:hunter2@cache.example:6379/0?password=qpass',
      PORT: 'x',
    });
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('mysql://***@db.example:5432/app');
    expect(message).toContain('REDIS_URL');
    for (const s of secrets) expect(message).not.toContain(s);
  });

  it('hides the password of a URL it cannot even parse', () => {
    const message = messageOf({ DATABASE_URL: 'postgres//admin:s3cr3t-pass@db' });
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('s3cr3t-pass');
  });

  it('gives keys and secrets by length only', () => {
    const message = messageOf({ PSEUDONYM_KEY: 'hunter2', STATUS_WEBHOOK_SECRET: 's3cr3t-pass' });
    expect(message).toContain('PSEUDONYM_KEY');
    expect(message).toContain('7 characters');
    for (const s of secrets) expect(message).not.toContain(s);
  });
});

describe('PSEUDONYM_KEY with REDIS_URL (issue 15)', () => {
  it('is required when REDIS_URL is set, with a message that says why', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /PSEUDONYM_KEY: required when REDIS_URL is set/,
    );
    expect(
      loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', PSEUDONYM_KEY: 'k'.repeat(32) }).REDIS_URL,
    ).toBe('redis://127.0.0.1:6379');
  });
});
