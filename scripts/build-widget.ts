/**
 * Bundles the widget to one minified script, dist/widget/widget.js, prints its size and
 * exits non-zero when the gzipped size is over the budget (docs/benchmarks.md, "Widget").
 */
import { build, transform, type Plugin } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const WIDGET_BUDGET_BYTES = 25 * 1024;

const root = fileURLToPath(new URL('..', import.meta.url));
export const WIDGET_FILE = `${root}dist/widget/widget.js`;

/**
 * esbuild minifies code but leaves template text alone: minify the CSS of Lit's css``
 * templates as CSS, and fold the indentation of html`` templates (after whitespace
 * minification only template literals still hold newlines, and in HTML text a newline
 * with its indentation renders as one space).
 */
const minifyTemplates: Plugin = {
  name: 'minify-lit-templates',
  setup(b) {
    b.onLoad({ filter: /widget[\\/]src[\\/][\w-]+\.ts$/ }, async (args) => {
      let source = await readFile(args.path, 'utf8');
      for (const match of source.matchAll(/css`([\s\S]*?)`/g)) {
        const text = match[1] ?? '';
        if (text.includes('${'))
          throw new Error(`${args.path}: css\`\` templates must not interpolate`);
        const { code } = await transform(text, { loader: 'css', minify: true });
        source = source.replace(text, code.trim());
      }
      const { code } = await transform(source, {
        loader: 'ts',
        minifyWhitespace: true,
        tsconfigRaw: {
          compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: false },
        },
      });
      return { contents: code.replace(/\n\s*/g, ' '), loader: 'ts' };
    });
  },
};

export async function buildWidget(): Promise<{ bytes: number; gzipBytes: number }> {
  await build({
    entryPoints: [`${root}widget/src/index.ts`],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    // UTF-8 rather than \u escapes: Estonian and Russian texts stay 1-2 bytes a character.
    // The server sends widget.js with charset=utf-8.
    charset: 'utf8',
    outfile: WIDGET_FILE,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [minifyTemplates],
  });
  const bytes = readFileSync(WIDGET_FILE);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bytes, gzipBytes } = await buildWidget();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  process.stderr.write(
    `widget.js: ${kb(bytes)}, ${kb(gzipBytes)} gzipped (budget ${kb(WIDGET_BUDGET_BYTES)})\n`,
  );
  if (gzipBytes > WIDGET_BUDGET_BYTES) {
    process.stderr.write('widget.js is over its size budget\n');
    process.exit(1);
  }
}
