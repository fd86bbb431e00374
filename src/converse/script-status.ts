/**
 * The status side for scripted conversations and the terminal chat: the fixture status panel
 * with its demo persons, as the server has it on embedded defaults. A script that asks for
 * the panel to be down gets an HTTP panel at a closed loopback port, so the real failure path
 * (connection refused, retries, "cannot see your status") runs.
 */
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createStatus, type StatusSetup } from '../status/create-status.js';

export function createScriptStatus(
  rootDir: string,
  logger: Logger,
): (panelDown: boolean) => StatusSetup {
  const localesDir = join(rootDir, 'locales');
  return (panelDown) =>
    createStatus({
      config: loadConfig(
        panelDown
          ? {
              STATUS_PANEL_URL: 'http://127.0.0.1:9',
              STATUS_PANEL_TIMEOUT_MS: '200',
              STATUS_LOOKUP_TIMEOUT_MS: '500',
            }
          : {},
      ),
      logger,
      localesDir,
    });
}
