/**
 * Liveness and readiness (docs/operations.md, "Health and readiness").
 *
 * GET /health is liveness: the process answers HTTP. It stays 200 while a dependency is down,
 * so an orchestrator does not restart an instance that would only come back to the same fault.
 *
 * GET /ready is readiness: 200 when this instance can serve a conversation end to end, 503
 * when a required dependency (the database, Redis when configured) does not answer within
 * `timeoutMs`, or while the instance is shutting down. Optional dependencies (the status
 * panel) are reported as `degraded` without failing readiness: every instance shares the same
 * panel, and taking them all out of rotation would stop chats that do not need it.
 */
import type { Request, Response } from 'express';

export type CheckResult = 'ok' | 'degraded' | `down: ${string}`;

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or returns false) when it does not. */
  probe: () => Promise<unknown>;
  /** A required dependency fails readiness; an optional one reports `degraded`. */
  required: boolean;
}

export interface Readiness {
  check(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }>;
  handler(req: Request, res: Response): void;
  /** From now on /ready answers 503 (draining before shutdown). */
  drain(): void;
}

export function createReadiness(checks: ReadinessCheck[], timeoutMs = 1000): Readiness {
  let draining = false;

  async function run(c: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        c.probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      if (answer === false) throw new Error('not available');
      return 'ok';
    } catch (err) {
      if (!c.required) return 'degraded';
      const message = err instanceof Error ? err.message : String(err);
      return `down: ${message.slice(0, 200)}`;
    } finally {
      clearTimeout(timer);
    }
  }

  const readiness: Readiness = {
    async check() {
      const results = await Promise.all(checks.map(async (c) => [c.name, await run(c)] as const));
      const ready = !draining && results.every(([, r]) => !r.startsWith('down'));
      return { ready, checks: Object.fromEntries(results) };
    },
    handler(_req, res) {
      readiness.check().then(
        ({ ready, checks: results }) => {
          res
            .status(ready ? 200 : 503)
            .set('Cache-Control', 'no-store')
            .json({
              status: ready ? 'ready' : draining ? 'shutting-down' : 'not-ready',
              checks: results,
            });
        },
        () => res.status(503).json({ status: 'not-ready', checks: {} }),
      );
    },
    drain() {
      draining = true;
    },
  };
  return readiness;
}
