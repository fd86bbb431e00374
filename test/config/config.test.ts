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
