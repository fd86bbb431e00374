/**
 * npm run converse -- [--url ws://127.0.0.1:3000/ws] [--coverage] FILES...
 * Runs scripted conversations (shared/DESIGN.md format) in process, or against a running
 * server; prints a line per script, the failures, and `N passed, N failed`.
 */
import { parseArgs } from 'node:util';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createAssistantKit } from '../assistant-kit.js';
import { ROOT_DIR } from '../paths.js';
import { coverage } from '../converse/coverage.js';
import { createInProcessDriver, createWsDriver } from '../converse/driver.js';
import { formatFailure, runScript, type ScriptResult } from '../converse/runner.js';
import { loadScript, ScriptError, type LoadedScript } from '../converse/script.js';
import { createLogger } from '../logger.js';
import { createScriptStatus } from '../converse/script-status.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    coverage: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

/** Files and folders (searched for *.yaml) in the order given. */
function expand(paths: string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p, { throwIfNoEntry: false })?.isDirectory()
      ? readdirSync(p, { recursive: true })
          .map(String)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(p, f))
      : [p],
  );
}

async function main(): Promise<number> {
  const files = expand(positionals);
  if (files.length === 0) {
    process.stderr.write('usage: npm run converse -- [--url ws://…/ws] [--coverage] FILES...\n');
    return 2;
  }
  const logger = createLogger(process.env.LOG_LEVEL ?? 'error');
  const kit = createAssistantKit(ROOT_DIR);
  const status = createScriptStatus(ROOT_DIR, logger);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const results: ScriptResult[] = [];
  let invalid = 0;

  for (const file of files) {
    let script: LoadedScript;
    try {
      script = loadScript(file);
    } catch (err) {
      invalid++;
      out(`✗ ${file}: invalid script`);
      out(
        (err instanceof ScriptError ? err.problems : [String(err)])
          .map((p) => `    ${p}`)
          .join('\n'),
      );
      continue;
    }
    const driver = values.url
      ? createWsDriver({ url: values.url })
      : createInProcessDriver({
          assistant: kit.assistant,
          classifier: kit.classifier,
          logger,
          status,
        });
    const result = await runScript(script, driver);
    results.push(result);
    out(`${result.passed ? '✓' : '✗'} ${result.name} (${file})`);
    if (!result.passed) out(formatFailure(result));
  }

  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed + invalid;
  if (values.coverage) {
    const report = coverage(kit.universe, results);
    out('');
    out(
      `coverage: ${report.percent}% of ${report.totals.nodes} nodes, ${report.totals.options} options, ${report.totals.services} services`,
    );
    if (report.missed.nodes.length) out(`  nodes not reached: ${report.missed.nodes.join(', ')}`);
    if (report.missed.options.length)
      out(`  options never chosen: ${report.missed.options.join(', ')}`);
    if (report.missed.services.length)
      out(`  services never shown: ${report.missed.services.join(', ')}`);
  }
  out('');
  out(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
