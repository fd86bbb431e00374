/** The public pages in a real browser, with axe, in all three languages, and the plan printed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage } from '../helpers/browser.js';
import { axeViolations } from '../helpers/staff-browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

let browser: Browser;
let server: TestServer;
beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
});
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

describe('public life-event pages in a browser', () => {
  for (const lang of ['et', 'en', 'ru'] as const) {
    it(`has no serious accessibility problem and needs no JavaScript (${lang})`, async () => {
      const page = await newPage(browser, { javaScriptEnabled: true });
      try {
        for (const path of [`/${lang}/life-events`, `/${lang}/life-events/child-disability`]) {
          const res = await page.goto(`${server.url}${path}`);
          expect(res?.status()).toBe(200);
          expect(await page.locator('html').getAttribute('lang')).toBe(lang);
          expect(await axeViolations(page)).toEqual([]);
        }
        // Every life event is reachable from the list by a link.
        await page.goto(`${server.url}/${lang}/life-events`);
        expect(await page.locator('main ul li a').count()).toBe(8);
      } finally {
        await page.close();
      }
      const plain = await newPage(browser, { javaScriptEnabled: false });
      try {
        await plain.goto(`${server.url}/${lang}/life-events/marriage`);
        expect(await plain.locator('table tbody tr').count()).toBeGreaterThan(5);
        await plain
          .getByRole('link', { name: /English|Eesti|По-русски/ })
          .first()
          .click();
        await expect.poll(() => plain.url()).not.toContain(`/${lang}/life-events/marriage`);
      } finally {
        await plain.close();
      }
    });
  }

  it('fits a phone screen: each service as a block with its column names, no sideways scroll', async () => {
    for (const width of [375, 800]) {
      const page = await newPage(browser, { viewport: { width, height: 800 } });
      try {
        await page.goto(`${server.url}/ru/life-events/marriage`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        // The column names are said in each service's block where the header row is hidden.
        const label = await page
          .locator('tbody td[data-label]')
          .first()
          .evaluate((td) => getComputedStyle(td, '::before').content);
        expect(label).toContain('Кто оказывает');
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  it('prints the plan page (print media) with its steps, accessible', async () => {
    const created = await fetch(`${server.url}/api/v1/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lang: 'et' }),
    });
    const { id } = (await created.json()) as { id: string };
    for (const body of [
      { text: 'tahame abielluda' },
      { optionId: 'yes' },
      { optionId: 'yes' },
      { optionId: 'no' },
    ]) {
      await fetch(`${server.url}/api/v1/conversations/${id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    }
    const { url } = (await (
      await fetch(`${server.url}/api/v1/conversations/${id}/plan`)
    ).json()) as {
      url: string;
    };
    const page = await newPage(browser);
    try {
      await page.goto(`${server.url}${url}`);
      expect(await axeViolations(page)).toEqual([]);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('ol li').count()).toBeGreaterThan(3);
      expect(await page.locator('ol li').first().innerText()).toContain('Abiellumisavaldus');
      const pdf = await page.pdf();
      expect(pdf.byteLength).toBeGreaterThan(1000);
    } finally {
      await page.close();
    }
  });
});
