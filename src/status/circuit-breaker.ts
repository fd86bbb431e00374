/**
 * A circuit breaker: after `failureThreshold` failures in a row the circuit opens and calls
 * fail at once for `openMs`; then one trial call is let through (half-open): success closes
 * the circuit, failure opens it again. Time comes in through `now`, so tests need no sleep.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

export interface CircuitBreaker {
  readonly state: CircuitState;
  /** Whether a call may go out now; in half-open state only one trial at a time. */
  tryAcquire(): boolean;
  success(): void;
  failure(): void;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  if (options.failureThreshold < 1) throw new RangeError('failureThreshold must be at least 1');
  const now = options.now ?? Date.now;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const set = (next: CircuitState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };

  return {
    get state() {
      if (state === 'open' && now() - openedAt >= options.openMs) set('half-open');
      return state;
    },
    tryAcquire() {
      const current = this.state;
      if (current === 'closed') return true;
      if (current === 'open' || trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    success() {
      failures = 0;
      trialInFlight = false;
      set('closed');
    },
    failure() {
      trialInFlight = false;
      failures += 1;
      if (state === 'half-open' || failures >= options.failureThreshold) {
        openedAt = now();
        set('open');
      }
    },
  };
}
