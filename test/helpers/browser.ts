/**
 * Real headless Chromium for browser tests, driven by playwright-core (playwright's own browser
 * download cannot work on these machines). The one place that launches a browser: the widget,
 * demo sign-in and back-office tests all come through here. Which binary: see ./chromium.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type LaunchOptions,
  type Page,
} from 'playwright-core';
import { findChromium, type ChromiumBinary } from './chromium.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function launchOptions(binary: ChromiumBinary = findChromium()): LaunchOptions {
  return {
    executablePath: binary.executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    env: { ...process.env, ...binary.env },
  };
}

/** Launches Chromium; playwright gives every launch a fresh temporary user-data dir. */
export function launchBrowser(binary?: ChromiumBinary): Promise<Browser> {
  return chromium.launch(launchOptions(binary));
}

/**
 * A browser with a persistent profile in a fresh folder (the back office keeps its cookie
 * across pages), removed on close.
 */
export async function launchPersistentBrowser(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'test-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, launchOptions());
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A page in a fresh context (its own storage), closed with the page. */
export async function newPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  // Closing the browser closes the page too; the context is gone with it then.
  page.on('close', () => void context.close().catch(() => undefined));
  return page;
}
