/**
 * The widget in real headless Chromium against a real server (a scripted assistant injected
 * at the test's edge) behind a proxy that can cut the network.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage } from '../helpers/browser.js';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy.js';
import { createWidgetTestAssistant } from '../helpers/widget-test-assistant.js';
import { startServer, type TestServer } from '../helpers/server.js';

const OUTPUT = new URL('../../test-output/', import.meta.url);
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

let server: TestServer;
let proxy: FlakyProxy;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  server = await startServer({}, { assistant: createWidgetTestAssistant() });
  proxy = await startFlakyProxy(server.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

const widget = (page: Page) => page.locator('life-event-chat');
const messages = (page: Page) => widget(page).locator('li.msg:not(.pending)');

async function openPage(path = '/', width = 1280, height = 800): Promise<Page> {
  const page = await newPage(browser, { viewport: { width, height } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${proxy.url}${path}`);
  await widget(page).locator('.launcher').waitFor();
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  const input = widget(page).locator('.composer textarea');
  await input.fill(text);
  await input.press('Enter');
}

/** The focused element inside the widget's shadow root, described for assertions. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.querySelector('life-event-chat')?.shadowRoot?.activeElement;
    return el ? `${el.tagName.toLowerCase()}.${el.className}:${el.textContent?.trim() ?? ''}` : '';
  });
}

/** The per-answer feedback buttons (or their thank-you) at the end of an answer. */
const RATE =
  / (Ei aidanud Vale teema|Not helpful Wrong topic|Не помогло Не та тема|Aitäh, märkisin selle üles\.)$/;

async function texts(list: Locator): Promise<string[]> {
  return (await list.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim().replace(RATE, ''));
}

async function seqs(page: Page): Promise<string[]> {
  return widget(page)
    .locator('li.msg[data-seq]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-seq') ?? ''));
}

describe('chat widget in the browser', () => {
  let page: Page;

  it('opens, greets, answers with quick replies and shows the services of the chosen one', async () => {
    page = await openPage();
    await widget(page).locator('.launcher').click();
    expect(await focused(page)).toMatch(/^textarea/);
    await expect.poll(() => texts(messages(page))).toEqual(['Abiline Hello (et)!']);

    await say(page, 'show me the options');
    const option = widget(page).getByRole('button', { name: 'Getting married' });
    await option.waitFor();
    await option.click();
    await widget(page).locator('.card').first().waitFor();

    const cards = widget(page).locator('.card');
    expect(await cards.count()).toBe(2);
    expect(await texts(cards.first())).toEqual([
      expect.stringMatching(
        /Registering a marriage .*Põhiteenus .*Tuleb ise teha .*Vital statistics office/,
      ),
    ]);
    expect(await cards.first().locator('a').getAttribute('href')).toBe(
      'https://www.eesti.ee/en/family/marriage',
    );
    expect(await widget(page).locator('.checklist li').count()).toBe(2);
    // The chosen option is shown as the person's message, and the options are gone.
    expect(await texts(widget(page).locator('li.msg.user'))).toContain('Sina Getting married');
    expect(await widget(page).locator('.options').count()).toBe(0);
    expect(await focused(page)).toMatch(/^textarea/);
    await page.screenshot({ path: new URL('widget-open.png', OUTPUT).pathname });
  });

  it('shows the same history after a reload, each message once', async () => {
    const before = await seqs(page);
    expect(before.length).toBeGreaterThanOrEqual(5);
    await page.reload();
    await expect.poll(() => seqs(page)).toEqual(before);
    expect(new Set(before).size).toBe(before.length);
  });

  it('queues messages while offline and sends them once when the connection is back', async () => {
    const status = widget(page).locator('.conn');
    proxy.down();
    await expect.poll(() => status.getAttribute('data-status')).toBe('offline');
    await say(page, 'typed while offline');
    await expect
      .poll(() => texts(widget(page).locator('li.pending')))
      .toEqual([expect.stringContaining('typed while offline')]);

    proxy.up();
    // The retry button, unless the backoff timer reconnected first (then the button is gone and
    // a click would wait for it forever; seen on a loaded machine).
    await widget(page)
      .getByRole('button', { name: 'Proovi kohe' })
      .click({ timeout: 2000 })
      .catch(async (err: unknown) => {
        if ((await status.getAttribute('data-status')) !== 'online') throw err;
      });
    await expect
      .poll(() => texts(messages(page)))
      .toContain('Abiline You said: typed while offline');

    // A message whose acknowledgement is lost with the connection is resent, answered once.
    await say(page, 'cut after this');
    proxy.cut();
    await expect
      .poll(() => texts(messages(page)), { timeout: 15_000 })
      .toContain('Abiline You said: cut after this');
    await page.reload();
    await expect.poll(() => texts(messages(page))).toContain('Abiline You said: cut after this');
    const all = await texts(messages(page));
    expect(all.filter((t) => t === 'Sina typed while offline')).toHaveLength(1);
    expect(all.filter((t) => t === 'Sina cut after this')).toHaveLength(1);
    expect(all.filter((t) => t.endsWith('You said: cut after this'))).toHaveLength(1);
    const s = await seqs(page);
    expect(new Set(s).size).toBe(s.length);
  });

  it('shows a connection that died silently (no close, nothing through) as offline within 3 s, and recovers', async () => {
    const status = widget(page).locator('.conn');
    await expect.poll(() => status.getAttribute('data-status')).toBe('online');
    // The panel is open on a visible page: the fast heartbeat (a ping a second).
    expect(await page.evaluate(() => document.visibilityState)).toBe('visible');
    proxy.stall();
    const start = Date.now();
    await expect
      .poll(() => status.getAttribute('data-status'), { timeout: 5000, interval: 100 })
      .toBe('offline');
    const detectedMs = Date.now() - start;
    expect(detectedMs).toBeLessThanOrEqual(3000);
    // The announcement says it too (screen readers).
    expect(await widget(page).locator('.sr-only[aria-live]').textContent()).toMatch(
      /^Ühendus katkes/,
    );
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('online');
    await say(page, 'after the silent loss');
    await expect
      .poll(() => texts(messages(page)))
      .toContain('Abiline You said: after the silent loss');
  }, 30_000);

  it('shows script tags, event handlers and javascript: links as inert text', async () => {
    await say(page, '<img src=x onerror="window.__xss=\'user\'"><script>window.__xss=1</script>');
    await say(page, 'xss please');
    await widget(page)
      .locator('.card')
      .getByText('<script>window.__xss="card"</script>')
      .first()
      .waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    const root = widget(page).locator('.log');
    expect(await root.locator('img, script, svg[onload], b').count()).toBe(0);
    expect(await root.innerText()).toContain('<script>window.__xss = "script"</script>');
    expect(await root.innerText()).toContain('javascript:window.__xss="link"');
    // Links in what the server sent (the privacy notice's link is the widget's own).
    const hrefs = await root
      .locator('li.msg a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https:\/\//);
    await page.close();
  });

  it('can be used with the keyboard alone, with visible focus', async () => {
    const kb = await openPage();
    for (let i = 0; i < 10 && !(await focused(kb)).startsWith('button.launcher'); i++)
      await kb.keyboard.press('Tab');
    expect(await focused(kb)).toMatch(/^button\.launcher/);
    await kb.keyboard.press('Enter');
    await expect.poll(() => focused(kb)).toMatch(/^textarea/);
    await kb.keyboard.type('options');
    await kb.keyboard.press('Enter');
    await widget(kb).locator('.options button').first().waitFor();

    for (let i = 0; i < 10 && !(await focused(kb)).includes('A child is born'); i++)
      await kb.keyboard.press('Shift+Tab');
    expect(await focused(kb)).toContain('A child is born');
    const outline = await kb.evaluate(() => {
      const el = document.querySelector('life-event-chat')?.shadowRoot?.activeElement;
      return el ? getComputedStyle(el).outlineStyle : 'none';
    });
    expect(outline).not.toBe('none');
    await kb.keyboard.press('Enter');
    await expect.poll(() => texts(messages(kb))).toContain('Abiline Chose birth');
    expect(await focused(kb)).toMatch(/^textarea/);

    await kb.keyboard.type('bye');
    await kb.keyboard.press('Enter');
    await widget(kb).locator('form.feedback').waitFor();
    for (let i = 0; i < 12 && !(await focused(kb)).startsWith('input'); i++)
      await kb.keyboard.press('Shift+Tab');
    await kb.keyboard.press('ArrowRight'); // radios: arrows move and select
    await kb.keyboard.press('ArrowRight');
    await kb.keyboard.press('Tab');
    await kb.keyboard.type('clear answers');
    await kb.keyboard.press('Tab');
    expect(await focused(kb)).toMatch(/^button.*Saada tagasiside/);
    await kb.keyboard.press('Enter');
    await expect.poll(() => focused(kb)).toMatch(/^p\.thanks/);

    await kb.keyboard.press('Escape');
    await expect.poll(() => focused(kb)).toMatch(/^button\.launcher/);
    await kb.close();
  });

  it('has no axe violations of any impact, closed or open with every block', async () => {
    const a = await openPage();
    await a.evaluate(axeSource);
    const run = () =>
      a.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (
                ctx: unknown,
                o: unknown,
              ) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>;
            };
          }
        ).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => `${v.id} (${v.impact}) x${v.nodes.length}`);
      });
    expect(await run()).toEqual([]);
    await widget(a).locator('.launcher').click();
    for (const text of ['options', 'status', 'handover', 'bye']) await say(a, text);
    await widget(a).locator('form.feedback').waitFor();
    await widget(a).locator('.options').waitFor({ state: 'detached' });
    await say(a, 'options');
    await widget(a).locator('.options').waitFor();
    expect(await run()).toEqual([]);
    await a.close();
  }, 60_000);

  it('switches the interface language and tells the server', async () => {
    const p = await openPage();
    await widget(p).locator('.launcher').click();
    await widget(p).getByLabel('Keel').selectOption('ru');
    await expect.poll(() => widget(p).getAttribute('lang')).toBe('ru');
    expect(await widget(p).locator('h2').innerText()).toBe('Помощник по жизненным событиям');
    await p.reload();
    await expect
      .poll(() => widget(p).locator('h2').innerText())
      .toBe('Помощник по жизненным событиям');
    await p.close();
  });

  it('fits a 320 px wide screen without horizontal scrolling', async () => {
    const p = await openPage('/', 320, 640);
    await widget(p).locator('.launcher').click();
    await say(p, 'marriage');
    await widget(p).locator('.card').first().waitFor();
    const box = await widget(p).locator('.panel').boundingBox();
    expect(box?.width).toBe(320);
    const overflow = await widget(p)
      .locator('.log')
      .evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: new URL('widget-320.png', OUTPUT).pathname });
    await p.close();
  });

  it('stays usable at 200% zoom (a 1280×800 screen zoomed is 640×400 CSS pixels)', async () => {
    const p = await newPage(browser, {
      viewport: { width: 640, height: 400 },
      deviceScaleFactor: 2,
    });
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.goto(`${proxy.url}/`);
    await widget(p).locator('.launcher').click();
    await say(p, 'marriage');
    await widget(p).locator('.card').first().waitFor();
    const panel = await widget(p).locator('.panel').boundingBox();
    expect(panel).not.toBeNull();
    if (panel) {
      expect(panel.x).toBeGreaterThanOrEqual(0);
      expect(panel.y).toBeGreaterThanOrEqual(0);
      expect(panel.x + panel.width).toBeLessThanOrEqual(640);
      expect(panel.y + panel.height).toBeLessThanOrEqual(400);
    }
    await expect.poll(() => widget(p).locator('.composer textarea').isVisible()).toBe(true);
    const overflow = await widget(p)
      .locator('.log')
      .evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: new URL('widget-zoom-200.png', OUTPUT).pathname });
    await p.close();
  });

  it('looks and works the same on a page with hostile styles', async () => {
    const p = await openPage('/hostile');
    const launcher = widget(p).locator('.launcher');
    const style = await launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      return { display: s.display, bg: s.backgroundColor, size: s.fontSize, position: s.position };
    });
    expect(style).toEqual({
      display: 'flex', // inline-flex, blockified by position: fixed
      bg: 'rgb(11, 92, 173)',
      size: '16px',
      position: 'fixed',
    });
    await launcher.click();
    await say(p, 'hello there');
    await expect.poll(() => texts(messages(p))).toContain('Assistant You said: hello there');
    const bubble = await widget(p)
      .locator('li.msg.assistant .bubble')
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.fontSize, s.textTransform, s.color, s.letterSpacing];
      });
    expect(bubble).toEqual(['16px', 'none', 'rgb(26, 26, 26)', 'normal']);
    expect(await widget(p).locator('button[type=submit]').isVisible()).toBe(true);
    await p.screenshot({ path: new URL('widget-hostile.png', OUTPUT).pathname });
    await p.close();
  });

  it('raised no script errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
