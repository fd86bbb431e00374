/**
 * The scheduled job: purges transcripts and contact requests past RETENTION_DAYS, audit
 * entries past AUDIT_RETENTION_DAYS and expired staff sessions, and marks conversations idle
 * for ABANDON_AFTER_MS without an outcome as abandoned. The timer is unref'd and cleared on stop.
 */
import type { Logger } from '../logger.js';
import type { StaffStore } from '../store/staff-store.js';
import type { TranscriptStore } from '../store/transcript-store.js';

const DAY = 86_400_000;

export interface MaintenanceOptions {
  transcripts: TranscriptStore;
  staff: StaffStore;
  logger: Logger;
  retentionDays: number;
  auditRetentionDays: number;
  abandonAfterMs: number;
  intervalMs: number;
  now?: () => number;
  /** Writes queued transcripts first, so a conversation is not judged on stale data. */
  beforeRun?: () => Promise<void>;
}

export interface MaintenanceReport {
  abandoned: number;
  conversations: number;
  contactRequests: number;
  audit: number;
  sessions: number;
}

export interface Maintenance {
  runOnce(): Promise<MaintenanceReport>;
  start(): void;
  stop(): Promise<void>;
}

export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function runOnce(): Promise<MaintenanceReport> {
    await options.beforeRun?.();
    const t = now();
    const abandoned = await options.transcripts.markAbandoned(t - options.abandonAfterMs);
    const purged = await options.transcripts.purge(t - options.retentionDays * DAY);
    const staff = await options.staff.purge(t, t - options.auditRetentionDays * DAY);
    const report = { abandoned, ...purged, ...staff };
    options.logger.info(report, 'maintenance done');
    return report;
  }

  return {
    runOnce() {
      const run = running.then(runOnce, runOnce);
      running = run.catch(() => undefined);
      return run;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        this.runOnce().catch((err: unknown) => options.logger.error({ err }, 'maintenance failed'));
      }, options.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
