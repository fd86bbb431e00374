/** Runs every scripted conversation in this folder against the real assistant, in process. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssistantKit } from '../../src/assistant-kit.js';
import { createInProcessDriver } from '../../src/converse/driver.js';
import { formatFailure, runScript } from '../../src/converse/runner.js';
import { loadScript } from '../../src/converse/script.js';
import { createLogger } from '../../src/logger.js';
import { createScriptStatus } from '../../src/converse/script-status.js';
import { ROOT_DIR } from '../../src/paths.js';

const dir = join(ROOT_DIR, 'test/conversations');
const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const kit = createAssistantKit(ROOT_DIR);
const logger = createLogger('silent');
const status = createScriptStatus(ROOT_DIR, logger);

describe('scripted conversations', () => {
  it.each(files)('%s', async (file) => {
    const script = loadScript(join(dir, file));
    const result = await runScript(
      script,
      createInProcessDriver({
        assistant: kit.assistant,
        classifier: kit.classifier,
        logger,
        status,
      }),
    );
    expect(result.passed, formatFailure(result)).toBe(true);
  });
});
