/** Bundles the widget to one minified script, dist/widget/widget.js, and prints its size. */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/widget/widget.js`;

await build({
  entryPoints: [`${root}widget/src/chat-widget.ts`],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile,
  legalComments: 'none',
  logLevel: 'warning',
});

const bytes = readFileSync(outfile);
process.stderr.write(
  `widget.js: ${(bytes.length / 1024).toFixed(1)} KB, ${(gzipSync(bytes).length / 1024).toFixed(1)} KB gzipped\n`,
);
