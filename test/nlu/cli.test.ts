import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (args: string[], input = '') =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/nlu.ts', ...args], {
    input,
    encoding: 'utf8',
    // Each run trains the classifier (about a second alone; much longer on a loaded machine).
    timeout: 90_000,
  });

describe('nlu CLI', { timeout: 100_000 }, () => {
  it('classify writes one JSON line per input and reports bad lines on stderr', () => {
    const input = [
      '{"text":"tahan abielluda"}',
      'not json',
      '{"text":"муж подал на развод","lang":"ru"}',
      '{"lang":"et"}',
    ].join('\n');
    const r = run(['classify'], input);
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

  it('eval --json reports accuracy, per-intent scores and the Bayes baseline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-'));
    const file = join(dir, 'small.jsonl');
    writeFileSync(
      file,
      '{"text":"tahan lahutada","intent":"divorce","lang":"et"}\n' +
        '{"text":"how do I renew my passport","intent":"out-of-scope","lang":"en"}\n',
    );
    const r = run(['eval', file, '--json']);
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout) as {
      report: { accuracy: number; perIntent: Record<string, unknown> };
      baseline: { accuracy: number };
    };
    expect(body.report.accuracy).toBe(1);
    expect(body.report.perIntent).toHaveProperty('divorce');
    expect(typeof body.baseline.accuracy).toBe('number');
  });

  it('eval rejects an invalid file, naming the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text":"tere","intent":"hello"}\n');
    const r = run(['eval', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('line 1: intent');
  });
});
