import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/status/circuit-breaker.js';
import { createTtlCache } from '../../src/status/ttl-cache.js';

describe('circuit breaker', () => {
  const make = () => {
    const clock = { t: 0 };
    const changes: string[] = [];
    const breaker = createCircuitBreaker({
      failureThreshold: 3,
      openMs: 1000,
      now: () => clock.t,
      onStateChange: (s) => changes.push(s),
    });
    return { clock, changes, breaker };
  };

  it('stays closed below the threshold, and a success resets the count', () => {
    const { breaker } = make();
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens after the threshold and refuses calls until openMs has passed', () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    clock.t = 999;
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('lets one trial through when half-open; its success closes, its failure reopens', () => {
    const { breaker, clock, changes } = make();
    for (let i = 0; i < 3; i++) breaker.failure();
    clock.t = 1000;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.failure();
    expect(breaker.state).toBe('open');
    clock.t = 2000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});

describe('ttl cache', () => {
  it('forgets entries after the ttl and drops the oldest when full', () => {
    let t = 0;
    const cache = createTtlCache<number>({ ttlMs: 100, maxEntries: 2, now: () => t });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    t = 100;
    expect(cache.get('c')).toBeUndefined();
  });

  it('caches nothing with a ttl of 0', () => {
    const cache = createTtlCache<number>({ ttlMs: 0, maxEntries: 2 });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
