import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WIDGET_BUDGET_BYTES, WIDGET_FILE } from '../../scripts/build-widget.js';

describe('widget.js', () => {
  it('stays within its gzipped size budget of 25 KB', () => {
    const gzipped = gzipSync(readFileSync(WIDGET_FILE), { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
  });
});
