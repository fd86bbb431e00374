/** The demo page's sign-in control in a real browser: only in demo mode, CSP-clean. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function withPage(server: TestServer, work: (page: Page) => Promise<void>) {
  const page = await browser.newPage();
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  try {
    await page.goto(server.url);
    await work(page);
    expect(cspErrors).toEqual([]);
  } finally {
    await page.close();
  }
}

describe('demo page sign-in', () => {
  it('offers the demo persons and hands the token to the widget when AUTH_MODE=demo', async () => {
    const server = await startServer({ AUTH_MODE: 'demo' });
    try {
      await withPage(server, async (page) => {
        const select = page.locator('#demo-person');
        await select.waitFor();
        expect(await select.locator('option').count()).toBeGreaterThanOrEqual(8);
        // Stand in for the widget's JS API, so this checks the page script's side only.
        await page.evaluate(() => {
          const w = window as unknown as { lifeEventChat: unknown; token?: string | null };
          w.lifeEventChat = { setIdentityToken: (t: string | null) => (w.token = t) };
        });
        await select.selectOption('anna-aas');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText('Signed in as Anna Aas (demo).').waitFor();
        const token = await page.evaluate(() => (window as unknown as { token: string }).token);
        expect(token.split('.')).toHaveLength(3);
        await page.getByRole('button', { name: 'Sign out' }).click();
        expect(await page.evaluate(() => (window as unknown as { token: unknown }).token)).toBe(
          null,
        );
      });
    } finally {
      await server.close();
    }
  });

  it('shows no sign-in control when the demo sign-in is off', async () => {
    const server = await startServer();
    try {
      await withPage(server, async (page) => {
        await page.waitForLoadState('networkidle');
        expect(await page.locator('#demo-person').count()).toBe(0);
      });
    } finally {
      await server.close();
    }
  });
});
