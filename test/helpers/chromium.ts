/**
 * Which Chromium the browser tests drive, found without a system install step:
 *
 * 1. `CHROMIUM_PATH` when set (any Chromium or Chrome binary);
 * 2. Debian's /usr/bin/chromium when it is there (unless `TEST_BROWSER=npm`);
 * 3. otherwise the Chromium that comes with `npm install` in the dev dependency
 *    @sparticuz/chromium: brotli-packed files unpacked here on first use.
 *
 * Why not `chromium.executablePath()` of the package: it unpacks into a fixed /tmp/chromium
 * whose mere existence counts as "done" (two test workers race; a stale binary of another
 * version is reused), and it adds the shared libraries it packs (NSS, NSPR, expat) only on
 * Amazon Linux. A bare Debian or Ubuntu has no libnss3 either, so they are unpacked here too
 * and given to the browser with LD_LIBRARY_PATH, with a fontconfig file for the packed fonts
 * (Open Sans: Latin and Cyrillic, enough for et/ru/en). GPU libraries are not unpacked: the
 * tests run with --disable-gpu.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumBinary {
  executablePath: string;
  /** Extra environment for the browser process (the bundled libraries and fonts). */
  env: Record<string, string>;
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
}

/** Finds the browser; unpacks the npm one when it is the one to use and not unpacked yet. */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  systemPath = SYSTEM_CHROMIUM,
): ChromiumBinary {
  if (env.CHROMIUM_PATH)
    return { executablePath: env.CHROMIUM_PATH, env: {}, source: 'CHROMIUM_PATH' };
  const wanted = env.TEST_BROWSER ?? 'auto';
  if (!['auto', 'system', 'npm'].includes(wanted))
    throw new Error(`TEST_BROWSER must be auto, system or npm (got ${JSON.stringify(wanted)})`);
  if (wanted !== 'npm' && existsSync(systemPath))
    return { executablePath: systemPath, env: {}, source: 'system' };
  if (wanted === 'system') throw new Error(`TEST_BROWSER=system but ${systemPath} is missing`);
  return unpackNpmChromium();
}

function unpackNpmChromium(): ChromiumBinary {
  const require = createRequire(import.meta.url);
  // The package exports only its entry point (build/index.js); the packed files sit in bin/.
  const packageDir = resolve(dirname(require.resolve('@sparticuz/chromium')), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // Versioned, so an upgrade never reuses an older binary; under node_modules, so it goes with it.
  // By its real path: git worktrees share one node_modules through a symlink, and a fonts.conf
  // naming one worktree's path finds no fonts once that worktree is gone.
  const dir = join(
    realpathSync(join(root, 'node_modules')),
    '.cache',
    `sparticuz-chromium-${version}`,
  );
  const binary: ChromiumBinary = {
    executablePath: join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: join(dir, 'lib'), FONTCONFIG_FILE: join(dir, 'fonts.conf') },
    source: 'npm',
  };
  const fontsConf = join(dir, 'fonts.conf');
  if (existsSync(fontsConf)) {
    // A copy unpacked through another path (an older helper, a removed worktree): name ours.
    if (!readFileSync(fontsConf, 'utf8').includes(`<dir>${join(dir, 'fonts')}</dir>`)) {
      writeFileSync(fontsConf, fontConfig(dir));
    }
    return binary;
  }

  // Unpacked into a private folder and renamed into place, so a concurrent worker either sees
  // nothing (and unpacks its own copy) or a complete one.
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const unbrotli = (name: string) =>
    brotliDecompressSync(readFileSync(join(packageDir, 'bin', name)));
  writeFileSync(join(work, 'chromium'), unbrotli('chromium.br'), { mode: 0o755 });
  // tar is part of every Linux base system; these archives hold plain files only.
  execFileSync('tar', ['-x', '-C', work], { input: unbrotli('al2023.tar.br') });
  execFileSync('tar', ['-x', '-C', work], { input: unbrotli('fonts.tar.br') });
  // The packed fonts.conf names Lambda's folders; this one names ours (the final ones).
  writeFileSync(join(work, 'fonts.conf'), fontConfig(dir));
  try {
    renameSync(work, dir);
  } catch (err) {
    // Another worker finished first: keep its copy.
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(join(dir, 'fonts.conf'))) throw err;
  }
  return binary;
}

/** A fontconfig file naming the unpacked fonts in `dir` (their final place). */
function fontConfig(dir: string): string {
  return (
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
    `  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n` +
    `</fontconfig>\n`
  );
}
