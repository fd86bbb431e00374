import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runNluCli } from '../../src/cli/nlu.js';

/** The CLI in process: its exit code and what it wrote. */
async function run(args: string[], input = '') {
  let stdout = '';
  let stderr = '';
  const status = await runNluCli(args, {
    stdin: Readable.from([input]),
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { status, stdout, stderr };
}

// Each command trains the classifier (and eval the Bayes baseline) first: seconds, more on a busy machine.
describe('nlu CLI', { timeout: 100_000 }, () => {
  it('classify writes one JSON line per input and reports bad lines on stderr', async () => {
    const input = [
      '{"text":"tahan abielluda"}',
      'not json',
      '{"text":"муж подал на развод","lang":"ru"}',
      '{"lang":"et"}',
    ].join('\n');
    const r = await run(['classify'], input);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ text: 'tahan abielluda', intent: 'marriage', lang: 'et' });
    expect(out[1]).toMatchObject({ intent: 'divorce', lang: 'ru' });
    expect(typeof out[0]?.confidence).toBe('number');
    expect(r.stderr).toContain('line 2');
    expect(r.stderr).toContain('line 4');
    expect(r.status).toBe(1);
  });

  it('eval --json reports accuracy, per-intent scores and the Bayes baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-'));
    const file = join(dir, 'small.jsonl');
    writeFileSync(
      file,
      '{"text":"tahan lahutada","intent":"divorce","lang":"et"}\n' +
        '{"text":"how do I renew my passport","intent":"out-of-scope","lang":"en"}\n',
    );
    const r = await run(['eval', file, '--json']);
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout) as {
      report: { accuracy: number; perIntent: Record<string, unknown> };
      baseline: { accuracy: number };
    };
    expect(body.report.accuracy).toBe(1);
    expect(body.report.perIntent).toHaveProperty('divorce');
    expect(typeof body.baseline.accuracy).toBe('number');
  });

  it("eval --blind counts a blind split's misses without listing them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-'));
    // A life event labelled out-of-scope: certainly a miss, in a split named "hidden".
    const line = '{"text":"tahan abielluda","intent":"out-of-scope","lang":"et"}\n';
    writeFileSync(join(dir, 'hidden-et.jsonl'), line);
    writeFileSync(join(dir, 'open-et.jsonl'), line);
    const r = await run([
      'eval',
      join(dir, 'hidden-et.jsonl'),
      join(dir, 'open-et.jsonl'),
      '--blind',
      'hidden',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('misclassified (1):');
    expect(r.stdout).toContain('1 misclassified lines of the blind split "hidden" not shown');
    expect(r.stdout.split('tahan abielluda')).toHaveLength(2);
    expect(r.stdout).toMatch(/hidden\s+et\s+1\s+0\.0%/);
  });

  it('eval rejects an invalid file, naming the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text":"tere","intent":"hello"}\n');
    const r = await run(['eval', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('line 1: intent');
  });
});
