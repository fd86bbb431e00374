/**
 * The citizen side of issues 13 and 16 in real headless Chromium against a real server (the
 * scripted test assistant, the demo sign-in on): the plan view (first step, one line per
 * service, three markers, disclosure, scroll to its start, print, copy, its own page), the
 * privacy and redaction notices, per-answer feedback, the sign-in event and signed-in resume
 * after a reload, one handover notice per event with the contact form outside hours, the
 * language switch keeping topic choices, offline within 3 s, 320 px, and axe with zero
 * violations of any impact in every state.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createWidgetTestAssistant } from '../helpers/widget-test-assistant.js';

const OUTPUT = new URL('../../test-output/', import.meta.url);
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

let server: TestServer;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  server = await startServer({ AUTH_MODE: 'demo' }, { assistant: createWidgetTestAssistant() });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const widget = (page: Page) => page.locator('life-event-chat');
const messages = (page: Page) => widget(page).locator('li.msg:not(.pending)');

async function openPage(width = 1280, height = 800, permissions: string[] = []): Promise<Page> {
  const page = await newPage(browser, { viewport: { width, height }, permissions });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/`);
  await widget(page).locator('.launcher').waitFor();
  return page;
}

async function openChat(page: Page): Promise<void> {
  await widget(page).locator('.launcher').click();
  await widget(page).locator('li.msg.assistant').first().waitFor();
}

async function say(page: Page, text: string): Promise<void> {
  const input = widget(page).locator('.composer textarea');
  await input.fill(text);
  await input.press('Enter');
}

/** The per-answer feedback buttons (or their thank-you) at the end of an answer. */
const RATE =
  / (Ei aidanud Vale teema|Not helpful Wrong topic|Не помогло Не та тема|Aitäh, märkisin selle üles\.)$/;

async function texts(list: Locator): Promise<string[]> {
  return (await list.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim().replace(RATE, ''));
}

/** axe on the whole page: every violation, whatever its impact. */
async function axe(page: Page, state: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const run = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            o: unknown,
          ) => Promise<{
            violations: { id: string; impact: string; nodes: { target: unknown }[] }[];
          }>;
        };
      }
    ).axe.run;
    const result = await run(document, { resultTypes: ['violations'] });
    return result.violations.map(
      (v) => `${v.id} (${v.impact}) ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
  });
  return found.map((v) => `${state}: ${v}`);
}

const inView = (page: Page, selector: string) =>
  widget(page)
    .locator(selector)
    .last()
    .evaluate((el) => {
      const log = el.closest('.log');
      if (!log) return false;
      const a = el.getBoundingClientRect();
      const b = log.getBoundingClientRect();
      return a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    });

describe('the citizen side of the widget', () => {
  it('shows a privacy notice in the first view, in the chosen language', async () => {
    const page = await openPage();
    await openChat(page);
    const notice = widget(page).locator('.privacy');
    expect(await notice.innerText()).toMatch(
      /salvestatakse ilma sinu nimeta ja kustutatakse 180 päeva pärast\. Ära kirjuta isikukoodi/,
    );
    expect(await notice.locator('a').getAttribute('href')).toBe(`${server.url}/privacy`);
    await widget(page).getByLabel('Keel').selectOption('ru');
    await expect.poll(() => notice.innerText()).toMatch(/удаляется через 180 дней/);
    await widget(page).getByLabel('Язык').selectOption('en');
    await expect.poll(() => notice.innerText()).toMatch(/deleted after 180 days/);
    const privacy = await page.context().newPage();
    const res = await privacy.goto(`${server.url}/privacy`);
    expect(res?.status()).toBe(200);
    expect(await privacy.locator('h1').innerText()).toBe('Privaatsus');
    await privacy.close();
    await page.close();
  });

  it('tells the person a personal code was removed from the record', async () => {
    const page = await openPage();
    await openChat(page);
    await say(page, 'minu isikukood on 38501010002');
    await expect
      .poll(() => texts(widget(page).locator('li.msg.system .bubble')))
      .toEqual([expect.stringMatching(/^Sinu sõnum sisaldas isikukoodi\. Eemaldasin selle/)]);
    await page.close();
  });

  it('shows the plan: first step, one line per service, four markers, details behind a disclosure', async () => {
    const page = await openPage(1280, 700);
    await openChat(page);
    await say(page, 'plan please');
    const plan = widget(page).locator('.checklist');
    await plan.waitFor();
    expect(await plan.locator('.first').innerText()).toBe('Kõigepealt: Register the marriage');
    const marks = await plan
      .locator('.mark')
      .evaluateAll((els) =>
        els.map((e) => [
          e.textContent?.replace(/\s+/g, ' ').trim(),
          getComputedStyle(e).borderTopStyle,
          getComputedStyle(e).borderTopLeftRadius,
        ]),
      );
    // Text, symbol and shape differ, not only the colour.
    expect(marks).toEqual([
      ['✓ Riik teeb ise', 'dashed', '12.8px'],
      ['✎ Tuleb ise teha', 'solid', '0px'],
      ['☑ Pakkumine tuleb kinnitada', 'solid', expect.stringMatching(/^[3-4]\.\d+px$/)],
      // F-0 (review 17): an optional service is no obligation.
      ['+ Soovi korral saab ise teha', 'dotted', '0px'],
    ]);
    // One line each: name, who, by when; the facts and the link only when opened.
    const summaries = await texts(plan.locator('summary'));
    expect(summaries[1]).toBe(
      '✎ Tuleb ise teha Register the marriage Ootab sinu tegevust Vital statistics office · tähtaeg: 1–6 months before the wedding',
    );
    // A deadline written as a sentence stays out of the one line and has no label before it.
    expect(summaries[0]).toBe(
      '✓ Riik teeb ise New names in the population register Population register',
    );
    const first = plan.locator('details').nth(0);
    await first.locator('summary').click();
    expect(await first.innerText()).toContain(
      '\nThe register enters it by itself after the wedding.',
    );
    expect(await first.innerText()).not.toContain('Tähtaeg: The');
    await first.locator('summary').click();
    const details = plan.locator('details').nth(1);
    expect(await details.locator('a').isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('a').getAttribute('href')).toBe(
      'https://www.eesti.ee/en/family/marriage',
    );
    expect(await details.innerText()).toContain('the state fee is 70 €');
    expect(await plan.getByRole('link', { name: /Ava eraldi lehel/ }).getAttribute('href')).toBe(
      `${server.url}/plan/plan-123`,
    );
    await page.screenshot({ path: new URL('widget-plan.png', OUTPUT).pathname });
    await page.close();
  });

  it('scrolls to the start of the plan after the last answer, not to the feedback form', async () => {
    const page = await openPage(1280, 560);
    await openChat(page);
    for (const text of ['one', 'two', 'three']) await say(page, text);
    await expect.poll(() => messages(page).count()).toBe(7);
    await say(page, 'plan please');
    await widget(page).locator('form.feedback').waitFor();
    const offset = () =>
      widget(page)
        .locator('.checklist')
        .evaluate((el) => {
          const log = el.closest('.log');
          return log ? el.getBoundingClientRect().top - log.getBoundingClientRect().top : -1;
        });
    await expect.poll(offset).toBeGreaterThanOrEqual(0);
    await expect.poll(offset).toBeLessThan(20);
    expect(await inView(page, 'form.feedback button')).toBe(false);
    await page.close();
  });

  it('prints only the plan with every detail open, and copies it as text', async () => {
    const page = await openPage(1280, 800, ['clipboard-read', 'clipboard-write']);
    await openChat(page);
    await say(page, 'hello');
    await say(page, 'plan please');
    await widget(page).locator('.checklist').waitFor();
    await page.evaluate(() => {
      window.print = () => undefined; // the test looks at the print layout itself
    });
    await widget(page).getByRole('button', { name: 'Prindi' }).click();
    await page.emulateMedia({ media: 'print' });
    const visible = async (selector: string) => widget(page).locator(selector).first().isVisible();
    expect({
      plan: await visible('.checklist'),
      composer: await visible('.composer'),
      user: await visible('li.msg.user'),
      actions: await visible('.plan-actions'),
      page: await page.locator('main').isVisible(),
    }).toEqual({ plan: true, composer: false, user: false, actions: false, page: false });
    const open = await widget(page)
      .locator('.checklist details')
      .evaluateAll((els) => els.map((e) => e.hasAttribute('open')));
    expect(open).toEqual([true, true, true]);
    await page.screenshot({ path: new URL('widget-plan-print.png', OUTPUT).pathname });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('main').isVisible()).toBe(true);
    expect(await widget(page).locator('.checklist details[open]').count()).toBe(0);

    await widget(page).getByRole('button', { name: 'Kopeeri tekstina' }).click();
    await expect
      .poll(() => widget(page).locator('.plan-actions [role=status]').innerText())
      .toBe('Tegevuskava on kopeeritud.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    // ET-3 (review 15): the Estonian widget joins name and provider with an en dash.
    expect(copied.split('\n').slice(0, 3)).toEqual([
      'Your plan: getting married',
      'Kõigepealt: Register the marriage',
      '1. New names in the population register [Riik teeb ise] – Population register · The register enters it by itself after the wedding.',
    ]);
    expect(copied).toContain('– Vital statistics office · Tähtaeg: 1–6 months before the wedding');
    expect(copied).toContain('   https://www.eesti.ee/en/family/marriage');
    await page.close();
  });

  it('takes "not helpful" / "wrong topic" on an answer, once', async () => {
    const page = await openPage();
    await openChat(page);
    // The greeting answers nothing: no feedback buttons on it.
    expect(await widget(page).locator('.rate').count()).toBe(0);
    await say(page, 'hello there');
    const rate = widget(page).locator('li.msg.assistant').last().locator('.rate');
    await rate.waitFor();
    await rate.getByRole('button', { name: 'Vale teema' }).click();
    const thanks = widget(page).locator('li.msg.assistant').last().locator('.rated');
    await expect.poll(() => thanks.innerText()).toBe('Aitäh, märkisin selle üles.');
    await expect
      .poll(() =>
        page.evaluate(
          () => document.querySelector('life-event-chat')?.shadowRoot?.activeElement?.className,
        ),
      )
      .toContain('rated');
    await page.reload();
    await widget(page).locator('li.msg.assistant .rated').waitFor();
    expect(await widget(page).locator('.rate').count()).toBe(0);
    await page.close();
  });

  it('asks the host page to sign in, and resumes the signed-in conversation after a reload', async () => {
    const page = await openPage();
    await page.locator('#demo-person').waitFor();
    await openChat(page);
    await say(page, 'signin please');
    const button = widget(page).getByRole('button', { name: 'Logi sisse' });
    await button.click();
    // The demo page answers the event: the chat closes and its sign-in has the focus.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('demo-person');
    expect(await widget(page).getAttribute('open')).toBeNull();
    await page.locator('#demo-person').selectOption('anna-aas');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => widget(page).locator('.conn').innerText())
      .toMatch(/Sisse logitud: Anna Aas/);
    await say(page, 'remember me');
    await expect.poll(() => texts(messages(page))).toContain('Abiline You said: remember me');
    const before = await texts(messages(page));

    await page.reload();
    await expect.poll(() => texts(messages(page))).toEqual(before);
    expect(await widget(page).locator('.conn').innerText()).toMatch(/Sisse logitud: Anna Aas/);

    // A host page that does not hand the token again: after the wait, a new conversation,
    // and nothing of the signed-in one is shown.
    await page.evaluate(() => sessionStorage.removeItem('demo-sign-in:token'));
    await page.reload();
    await expect
      .poll(() => texts(messages(page)), { timeout: 10_000 })
      .toEqual(['Abiline Hello (et)!']);
    expect(await widget(page).locator('.conn').innerText()).not.toMatch(/Sisse logitud/);
    await page.close();
  }, 30_000);

  it('shows one notice per handover event and the contact form outside office hours', async () => {
    const page = await openPage();
    await openChat(page);
    await say(page, 'handover');
    // The reply's text is the one notice: the block adds no second sentence.
    await expect
      .poll(() => texts(widget(page).locator('li.msg.assistant').last().locator('.bubble')))
      .toEqual(['I will find a person for you.']);
    expect(
      await widget(page).locator('li.msg.assistant').last().locator('p:not(.bubble)').count(),
    ).toBe(0);
    await say(page, 'closed now?');
    const form = widget(page).locator('form.contact');
    await form.waitFor();
    expect(await texts(widget(page).locator('li.msg.assistant').last().locator('.bubble'))).toEqual(
      [expect.stringMatching(/^Our staff answer on weekdays 9:00–17:00\. .*back tomorrow/)],
    );
    expect(await axe(page, 'contact form')).toEqual([]);
    await form.getByLabel('E-post või telefon').fill('mari@example.ee');
    await form.getByLabel('Sinu küsimus').fill('Kas saate mulle helistada?');
    await form.getByRole('button', { name: 'Saada kontaktandmed' }).click();
    await expect
      .poll(() => texts(widget(page).locator('li.msg.user')))
      .toContain('Sina mari@example.ee Kas saate mulle helistada?');
    await page.close();
  });

  it('keeps the topic choices when the language is switched', async () => {
    const page = await openPage();
    await openChat(page);
    await say(page, 'options');
    await widget(page).locator('.options').waitFor();
    await widget(page).getByLabel('Keel').selectOption('en');
    await expect.poll(() => widget(page).getAttribute('lang')).toBe('en');
    expect(await widget(page).locator('.options button').count()).toBe(2);
    await page.close();
  });

  it('shows offline within 3 s without covering the pending message', async () => {
    const page = await openPage(320, 480);
    await openChat(page);
    for (const text of ['one', 'two', 'three']) await say(page, text);
    await expect.poll(() => messages(page).count()).toBe(7);
    const status = widget(page).locator('.conn');
    await page.context().setOffline(true);
    const start = Date.now();
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 3000 }).toBe('offline');
    expect(Date.now() - start).toBeLessThan(3000);
    await say(page, 'typed while offline');
    await widget(page).locator('li.pending').waitFor();
    await expect.poll(() => inView(page, 'li.pending')).toBe(true);
    await page.screenshot({ path: new URL('widget-offline-320.png', OUTPUT).pathname });
    await page.context().setOffline(false);
    await expect
      .poll(() => texts(messages(page)), { timeout: 10_000 })
      .toContain('Abiline You said: typed while offline');
    await page.close();
  }, 30_000);

  it('fits the demo page, sign-in and launcher on a 320 px screen', async () => {
    const page = await openPage(320, 640);
    await page.locator('#demo-person').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(320);
    const select = await page.locator('#demo-person').boundingBox();
    expect((select?.x ?? 0) + (select?.width ?? 999)).toBeLessThanOrEqual(320);
    const launcher = await widget(page).locator('.launcher').boundingBox();
    expect(launcher).not.toBeNull();
    expect((launcher?.x ?? 0) + (launcher?.width ?? 999)).toBeLessThanOrEqual(320);
    await page.screenshot({ path: new URL('demo-320.png', OUTPUT).pathname });
    await page.close();
  });

  it('has zero axe violations of any impact, closed and open in every state', async () => {
    const page = await openPage(1280, 800);
    await page.locator('#demo-person').waitFor();
    const found: string[] = [];
    found.push(...(await axe(page, 'closed')));
    await openChat(page);
    found.push(...(await axe(page, 'open')));
    for (const text of ['options', 'marriage', 'plan', 'status', 'signin', 'handover', 'closed']) {
      await say(page, text);
      await expect.poll(() => widget(page).locator('li.pending').count()).toBe(0);
      await expect
        .poll(() => widget(page).locator('li.msg.assistant').last().getAttribute('data-seq'))
        .not.toBeNull();
      found.push(...(await axe(page, text)));
    }
    await widget(page).locator('.checklist details').first().locator('summary').click();
    found.push(...(await axe(page, 'plan details open')));
    await widget(page).locator('.rate button').first().click();
    found.push(...(await axe(page, 'answer rated')));
    await say(page, 'bye');
    await widget(page).locator('form.feedback').last().waitFor();
    found.push(...(await axe(page, 'feedback form')));
    await page.context().setOffline(true);
    await widget(page).locator('[part=offline-bar]').waitFor();
    found.push(...(await axe(page, 'offline')));
    await page.context().setOffline(false);
    await widget(page).getByLabel('Keel').selectOption('ru');
    found.push(...(await axe(page, 'russian')));
    expect(found).toEqual([]);
    await page.screenshot({ path: new URL('widget-axe-final.png', OUTPUT).pathname });
    await page.close();
  }, 60_000);

  it('links the real plan to its own page, /plan/{token}, with the real assistant', async () => {
    const real = await startServer({});
    try {
      const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${real.url}/`);
      await openChat(page);
      await widget(page).getByLabel('Keel').selectOption('en');
      await say(page, 'we want to get married');
      for (let i = 0; i < 6 && (await widget(page).locator('.checklist').count()) === 0; i++) {
        const yes = widget(page).locator('.options button', {
          hasText: /^\s*(Yes|In Estonia)\s*$/,
        });
        await yes.first().waitFor();
        await yes.first().click();
        await expect.poll(() => widget(page).locator('li.pending').count()).toBe(0);
      }
      const link = widget(page)
        .locator('.checklist')
        .getByRole('link', { name: /Open as a page/ });
      await link.waitFor();
      const href = (await link.getAttribute('href')) ?? '';
      expect(href).toMatch(new RegExp(`^${real.url}/plan/[\\w-]+`));
      const plan = await page.context().newPage();
      const res = await plan.goto(href);
      expect(res?.status()).toBe(200);
      expect(await plan.locator('body').innerText()).toMatch(/marriage|Marriage/);
      await plan.close();
      await page.close();
    } finally {
      await real.close();
    }
  }, 40_000);

  it('raised no script errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
