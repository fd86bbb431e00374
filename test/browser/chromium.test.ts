import { describe, expect, it } from 'vitest';
import { launchBrowser, newPage } from '../helpers/browser.js';
import { findChromium } from '../helpers/chromium.js';

const MISSING = '/nonexistent/chromium';

describe('the browser for tests', () => {
  it('falls back to the Chromium from npm when there is no system one, and it renders et and ru', async () => {
    const binary = findChromium({}, MISSING);
    expect(binary.source).toBe('npm');
    const browser = await launchBrowser(binary);
    try {
      const page = await newPage(browser);
      await page.setContent('<p>Tere, sõber! Здравствуйте, чем я могу вам помочь?</p>');
      await expect
        .poll(() => page.textContent('p'))
        .toBe('Tere, sõber! Здравствуйте, чем я могу вам помочь?');
      // Laid out with a real font: the line has width (no font at all would still be a box of 0).
      const width = await page.locator('p').evaluate((p) => {
        const range = document.createRange();
        range.selectNodeContents(p);
        return range.getBoundingClientRect().width;
      });
      expect(width).toBeGreaterThan(100);
    } finally {
      await browser.close();
    }
    // Unpacking the npm Chromium takes most of this; on two busy cores over 20 s.
  }, 60_000);

  it('uses the system chromium when it is there, unless TEST_BROWSER=npm', () => {
    const system = process.execPath; // any file that exists stands for /usr/bin/chromium
    expect(findChromium({}, system)).toMatchObject({ source: 'system', executablePath: system });
    expect(findChromium({ TEST_BROWSER: 'npm' }, system).source).toBe('npm');
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome' }, system)).toMatchObject({
      source: 'CHROMIUM_PATH',
      executablePath: '/opt/chrome',
    });
  });

  it('says what is wrong with TEST_BROWSER', () => {
    expect(() => findChromium({ TEST_BROWSER: 'firefox' }, MISSING)).toThrow(
      'TEST_BROWSER must be auto, system or npm (got "firefox")',
    );
    expect(() => findChromium({ TEST_BROWSER: 'system' }, MISSING)).toThrow(
      `TEST_BROWSER=system but ${MISSING} is missing`,
    );
  });
});
