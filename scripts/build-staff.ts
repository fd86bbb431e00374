/** Bundles the back-office client to dist/staff/staff.js (no inline scripts: CSP script-src 'self'). */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/staff/staff.js`;

await build({
  entryPoints: [`${root}staff/src/main.ts`],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile,
  legalComments: 'none',
  logLevel: 'warning',
});

process.stderr.write(`staff.js: ${(statSync(outfile).size / 1024).toFixed(1)} KB\n`);
