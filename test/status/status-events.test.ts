import { describe, expect, it } from 'vitest';
import {
  createReplayGuard,
  signWebhook,
  verifyWebhookSignature,
  WebhookSignatureError,
} from '../../src/status/status-events.js';

const SECRET = 's'.repeat(40);
const body = Buffer.from('{"id":"e1"}');
const NOW = 1_764_000_000;

function problem(header: string | undefined, nowS = NOW, raw = body): string {
  try {
    verifyWebhookSignature({ secret: SECRET, header, rawBody: raw, nowS, toleranceS: 300 });
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookSignatureError);
    return (err as WebhookSignatureError).problem;
  }
}

describe('webhook signature', () => {
  it('accepts its own signature within the window, either side', () => {
    expect(problem(signWebhook(SECRET, body, NOW))).toBe('ok');
    expect(problem(signWebhook(SECRET, body, NOW - 300))).toBe('ok');
    expect(problem(signWebhook(SECRET, body, NOW + 300))).toBe('ok');
  });

  it('refuses an old or a future timestamp', () => {
    expect(problem(signWebhook(SECRET, body, NOW - 301))).toBe('stale');
    expect(problem(signWebhook(SECRET, body, NOW + 301))).toBe('stale');
  });

  it('refuses another secret, another body and a timestamp changed after signing', () => {
    expect(problem(signWebhook('x'.repeat(40), body, NOW))).toBe('mismatch');
    expect(problem(signWebhook(SECRET, body, NOW), NOW, Buffer.from('{"id":"e2"}'))).toBe(
      'mismatch',
    );
    const mac = signWebhook(SECRET, body, NOW).split('v1=')[1];
    expect(problem(`t=${NOW - 1},v1=${mac}`)).toBe('mismatch');
  });

  it('refuses a missing or malformed header', () => {
    expect(problem(undefined)).toBe('missing');
    expect(problem('sha256=abc')).toBe('malformed');
    expect(problem(`t=${NOW}`)).toBe('malformed');
  });

  it('accepts any matching v1 while a secret is rotated', () => {
    const old = signWebhook('o'.repeat(40), body, NOW).split('v1=')[1];
    const current = signWebhook(SECRET, body, NOW).split('v1=')[1];
    expect(problem(`t=${NOW},v1=${old},v1=${current}`)).toBe('ok');
  });
});

describe('replay guard', () => {
  it('sees an id once within its window and again after it', () => {
    let t = 0;
    const guard = createReplayGuard({ ttlMs: 1000, maxEntries: 10, now: () => t });
    expect(guard.firstTime('a')).toBe(true);
    expect(guard.firstTime('a')).toBe(false);
    t = 1000;
    expect(guard.firstTime('a')).toBe(true);
  });
});
