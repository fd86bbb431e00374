/**
 * The status-panel port: a person's life events in progress, each sub-service's state, and
 * the state's pending proactive offers. Adapters: the fixture (embedded default, demo
 * persons) and HTTP (a real status panel, docs/status-panel-api.md).
 */
import type { PersonStatus } from '../core/status.js';

export interface StatusPanel {
  /**
   * The status of the person with this (already verified) personal code. A person the panel
   * does not know has an empty status, not an error. Rejects with StatusPanelError.
   */
  getStatus(personalCode: string, options?: { signal?: AbortSignal }): Promise<PersonStatus>;
  /** Forgets anything cached for the person (a status change arrived). */
  invalidate?(personalCode: string): void;
  close?(): Promise<void>;
}

export type StatusPanelErrorCode =
  | 'STATUS_PANEL_TIMEOUT'
  | 'STATUS_PANEL_UNAVAILABLE'
  | 'STATUS_PANEL_BAD_RESPONSE'
  | 'STATUS_PANEL_CIRCUIT_OPEN'
  | 'STATUS_PANEL_ABORTED';

export class StatusPanelError extends Error {
  override name = 'StatusPanelError';
  constructor(
    readonly code: StatusPanelErrorCode,
    message: string,
    /** Whether trying again may help (timeouts, 5xx, network). */
    readonly retryable = false,
  ) {
    super(message);
  }
}
