/**
 * Compiles the server to one ES module, dist/main.js, that plain `node` runs in production
 * (`npm start`). Dependencies stay in node_modules (not bundled); tsx is for development and
 * the CLIs only. See docs/operations.md, "Running in production".
 */
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_FILE = `${root}dist/main.js`;

export async function buildServer(): Promise<void> {
  await build({
    entryPoints: [`${root}src/main.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ['node20'],
    // Runtime dependencies are imported from node_modules as they are.
    packages: 'external',
    sourcemap: 'linked',
    outfile: SERVER_FILE,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildServer();
}
