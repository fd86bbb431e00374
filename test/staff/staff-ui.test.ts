import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { citizenChat, PASSWORD, startStaffServer, type StaffTestServer } from '../helpers/staff.js';
import { axeViolations, launchStaffBrowser } from '../helpers/staff-browser.js';

let server: StaffTestServer;
let browser: Awaited<ReturnType<typeof launchStaffBrowser>>;

const chat = (lang: string, texts: string[]) => citizenChat(server, lang, texts);

beforeAll(async () => {
  server = await startStaffServer();
  browser = await launchStaffBrowser();
  const married = await chat('et', ['tahan abielluda', 'aitäh']);
  const retired = await chat('en', ['how do I get my pension']);
  const formula = await chat('et', ['=HYPERLINK("http://evil.example")', 'tere;=1+1']);
  await Promise.all([married.c.close(), retired.c.close(), formula.c.close()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page that records script errors and failed requests (the expected 401s aside). */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.status() !== 401) errors.push(`${r.status()} ${r.url()}`);
  });
  return { page, errors };
}

async function signIn(page: Page, user: string): Promise<void> {
  // The browser context is shared: start from no session.
  await browser.context.clearCookies();
  await page.goto(`${server.url}/staff`);
  await page.getByLabel('Kasutajanimi').fill(user);
  await page.getByLabel('Parool').fill(PASSWORD);
  await page.getByRole('button', { name: 'Logi sisse' }).click();
  await page.getByRole('button', { name: 'Logi välja' }).waitFor();
}

describe('staff back office in the browser', () => {
  it('is in Estonian by default, switches to English and back, and passes axe on the sign-in page', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/staff`);
    await page.getByLabel('Kasutajanimi').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('et');
    expect(await page.title()).toBe('Elusündmuste assistendi haldus');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Kasutajanimi').fill('ada');
    await page.getByLabel('Parool').fill('wrong password');
    await page.getByRole('button', { name: 'Logi sisse' }).click();
    await page.getByRole('alert').filter({ hasText: 'Vale kasutajanimi või parool.' }).waitFor();

    await page.getByLabel('Keel').selectOption('ru');
    await page.getByLabel('Имя пользователя').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Язык').selectOption('en');
    await page.getByLabel('User name').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('User name').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    // The choice is remembered across a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await page.getByLabel('Language', { exact: true }).first().waitFor();
    await page.locator('#ui-lang').selectOption('et');
    await page.getByRole('heading', { name: 'Vestlused' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters, opens a transcript, leaves no stale status line, and passes axe on every view', async () => {
    const { page, errors } = await openPage();
    await signIn(page, 'ada');
    const rows = page.locator('#results tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent()).toMatch(/^Näidatud vestlusi: 3 /);
    expect(await rows.first().textContent()).toContain('eesti');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Keel', { exact: true }).last().selectOption('en');
    await page.getByRole('button', { name: 'Rakenda filter' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('pensionile jäämine');

    await page.getByLabel('Keel', { exact: true }).last().selectOption('');
    await page.getByLabel('Otsi tekstist').fill('abiellu');
    await page.getByRole('button', { name: 'Rakenda filter' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows
      .first()
      .getByRole('button', { name: /^Ava vestlus/ })
      .click();
    await page.getByRole('heading', { name: 'Vestluse sisu' }).waitFor();
    // The list's "N conversations shown" does not follow to the transcript.
    expect(await status.textContent()).toBe('');
    const messages = page.getByRole('list', { name: 'Sõnumid' });
    expect(await messages.textContent()).toContain('tahan abielluda');
    expect(await page.locator('dl').textContent()).toContain('lahendatud');
    expect(await axeViolations(page)).toEqual([]);

    for (const [section, heading] of [
      ['Analüütika', 'Analüütika'],
      ['Õpetamine', 'Õppenäited'],
      ['Haldus', 'Toimingute logi'],
      ['Otsevestlused', 'Järjekord'],
      ['Vestlused', 'Vestlused'],
    ] as const) {
      await page
        .getByRole('navigation')
        .getByRole('button', { name: section, exact: true })
        .click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      if (section !== 'Vestlused' && section !== 'Otsevestlused')
        expect(await status.textContent(), section).toBe('');
      if (section === 'Analüütika') await page.locator('table').waitFor();
      // Canned replies and the audit log.
      if (section === 'Haldus') await expect.poll(() => page.locator('table').count()).toBe(2);
      expect(await axeViolations(page), section).toEqual([]);
    }
    expect(errors).toEqual([]);
    await page.close();
    // axe on five views: several seconds each when the two cores are busy.
  }, 60_000);

  it('shows abandoned conversations, handover requests and time to first human reply in analytics', async () => {
    const { page } = await openPage();
    await signIn(page, 'ada');
    await page.getByRole('navigation').getByRole('button', { name: 'Analüütika' }).click();
    const head = page.locator('table thead');
    await head.waitFor();
    for (const col of [
      'Pooleli jäänud',
      'Inimese soove',
      'Vastuseta soove',
      'Inimese esimese vastuseni',
    ])
      expect(await head.textContent()).toContain(col);
    await page.close();
  });

  it('downloads full redacted transcripts as CSV and JSON, formula-safe', async () => {
    const { page } = await openPage();
    await signIn(page, 'ada');
    const csvLink = page.getByRole('link', { name: 'Laadi alla CSV' });
    const jsonLink = page.getByRole('link', { name: 'Laadi alla JSON' });
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(path, 'utf8');
    expect(csv).toContain('"tahan abielluda"');
    expect(csv).toContain('"how do I get my pension"');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).toContain(`"tere;'=1+1"`);
    const json = (await (
      await page.request.get(`${server.url}${(await jsonLink.getAttribute('href')) ?? ''}`, {
        headers: { referer: `${server.url}/staff` },
      })
    ).json()) as { messages: { text: string }[] }[];
    expect(json.flatMap((c) => c.messages.map((m) => m.text))).toContain('aitäh');
    await page.close();
  });

  it('takes a queued chat: the row says what and how long, replies are multi-line, canned replies match the citizen language', async () => {
    const waiting = await chat('en', ['I want to marry, which documents?']);
    waiting.c.send({ type: 'message', id: 'p1', text: 'a person please' });
    await waiting.c.next('reply');

    const { page, errors } = await openPage();
    await signIn(page, 'anu');
    // An agent lands in the live section.
    const queueRow = page.locator('#queue tbody tr');
    await expect.poll(() => queueRow.count()).toBe(1);
    const cells = await queueRow.locator('td').allTextContents();
    expect(cells[0]).toBe('1');
    expect(cells[1]).toMatch(/^\d+ s$/);
    expect(cells[2]).toBe('inglise');
    expect(cells[3]).toBe('abiellumine');
    expect(cells[4]).toBe('I want to marry, which documents?');
    expect(await axeViolations(page)).toEqual([]);

    await queueRow.getByRole('button', { name: 'Võta vestlus järjekorra kohalt 1' }).click();
    const panel = page.getByRole('region', { name: `Vestlus ${waiting.sessionId}` });
    await panel.getByText('a person please').waitFor();
    // In time order: the agent-joined notice comes after everything said before it.
    await expect.poll(() => panel.locator('li').count()).toBeGreaterThanOrEqual(6);
    const seqs = await panel
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.seq)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const texts = await panel.locator('li').allTextContents();
    expect(texts.findIndex((t) => t.includes('a person please'))).toBeLessThan(texts.length - 1);
    expect(texts.at(-1)).toMatch(/^süsteem/);

    // Canned replies in the citizen's language (English), inserted into the reply box.
    await panel.getByLabel('Valmisvastused (inglise)').selectOption('greeting');
    await panel.getByRole('button', { name: 'Lisa vastusesse' }).click();
    const box = panel.getByLabel('Sinu vastus');
    expect(await box.inputValue()).toBe(
      "Hello! I'm from the support team and happy to help. What can I do for you?",
    );
    await box.press('Shift+Enter');
    await box.pressSequentially('Which documents do you have?');
    await box.press('Enter');
    for (;;) {
      const r = await waiting.c.next('reply');
      if (r.role === 'agent') {
        expect(r.text).toBe(
          "Hello! I'm from the support team and happy to help. What can I do for you?\nWhich documents do you have?",
        );
        break;
      }
    }
    expect(await box.inputValue()).toBe('');
    await panel.getByText('Which documents do you have?').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    waiting.c.send({ type: 'message', id: 'p2', text: 'Thanks, <b>passport</b> only' });
    // Shown as text, never as markup.
    await panel.getByText('Thanks, <b>passport</b> only').waitFor();
    await panel.getByRole('button', { name: 'Lõpeta vestlus' }).click();
    await waiting.c.next('reply');
    await waiting.c.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets an admin add, edit and delete canned replies per language, which agents then use', async () => {
    const { page, errors } = await openPage();
    await signIn(page, 'ada');
    await page.getByRole('navigation').getByRole('button', { name: 'Haldus' }).click();
    const section = page.getByRole('region', { name: 'Valmisvastused' });
    await section.getByRole('table').waitFor();
    await section.getByLabel('Keel').selectOption('ru');
    await section
      .getByRole('cell', { name: /^Здравствуйте/ })
      .first()
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Add one in Russian.
    await section.getByLabel('Tunnus').fill('office-hours');
    await section.getByLabel('Nimi loendis').fill('Часы работы');
    await section.getByLabel('Tekst').fill('Мы отвечаем по рабочим дням\nс 9 до 17.');
    await section.getByRole('button', { name: 'Salvesta' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Valmisvastus „Часы работы“ on salvestatud.' })
      .waitFor();
    const row = section.getByRole('row', { name: /Часы работы/ });
    await expect.poll(() => row.textContent()).toContain('ada');
    expect(await axeViolations(page)).toEqual([]);

    // Edit it: the id stays.
    await section.getByRole('button', { name: 'Muuda vastust „Часы работы“' }).click();
    expect(await section.getByLabel('Tunnus').inputValue()).toBe('office-hours');
    expect(await section.getByLabel('Tunnus').getAttribute('readonly')).not.toBeNull();
    await section.getByLabel('Tekst').fill('Мы отвечаем по будням с 9 до 17.');
    await section.getByRole('button', { name: 'Salvesta' }).click();
    await expect.poll(() => row.textContent()).toContain('Мы отвечаем по будням с 9 до 17.');
    // A bad id is refused before anything is sent (the server refuses it too: API test).
    await section.getByRole('button', { name: 'Uus vastus' }).click();
    await section.getByLabel('Tunnus').fill('Bad Id');
    await section.getByLabel('Nimi loendis').fill('x');
    await section.getByLabel('Tekst').fill('x');
    await section.getByRole('button', { name: 'Salvesta' }).click();
    expect(
      await section.getByLabel('Tunnus').evaluate((el) => (el as HTMLInputElement).validity.valid),
    ).toBe(false);
    await section.getByRole('button', { name: 'Uus vastus' }).click();

    // Delete a default in Russian (after a confirmation).
    page.once('dialog', (d) => void d.accept());
    await section.getByRole('button', { name: 'Kustuta vastus „Прощание“' }).click();
    await page.getByRole('status').filter({ hasText: 'on kustutatud' }).waitFor();
    await expect.poll(() => section.getByRole('row', { name: /Прощание/ }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // An agent with a Russian-speaking citizen gets the new reply, not the deleted one.
    const waiting = await chat('ru', ['нужен человек']);
    await browser.context.clearCookies();
    await signIn(page, 'anu');
    const queueRow = page.locator('#queue tbody tr');
    await expect.poll(() => queueRow.count()).toBe(1);
    await queueRow.getByRole('button').click();
    const panel = page.getByRole('region', { name: `Vestlus ${waiting.sessionId}` });
    const canned = panel.getByLabel('Valmisvastused (vene)');
    await expect.poll(() => canned.locator('option').allTextContents()).toContain('Часы работы');
    expect(await canned.locator('option').allTextContents()).not.toContain('Прощание');
    await canned.selectOption('office-hours');
    await panel.getByRole('button', { name: 'Lisa vastusesse' }).click();
    expect(await panel.getByLabel('Sinu vastus').inputValue()).toBe(
      'Мы отвечаем по будням с 9 до 17.',
    );
    await panel.getByRole('button', { name: 'Lõpeta vestlus' }).click();
    await waiting.c.close();
    expect(errors).toEqual([]);
    await page.close();
  }, 40_000);

  it('tells an agent whose session ended that the live connection was closed', async () => {
    const { page } = await openPage();
    await signIn(page, 'anu');
    await page.getByRole('heading', { name: 'Järjekord' }).waitFor();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Ühendus');
    // Signing out from another tab ends the same session.
    const other = await browser.context.newPage();
    await other.goto(`${server.url}/staff`);
    await other.getByRole('button', { name: 'Logi välja' }).click();
    await other.getByLabel('Kasutajanimi').waitFor();
    await page.getByRole('alert').filter({ hasText: 'Sinu seanss või õigused muutusid' }).waitFor();
    await other.close();
    await page.close();
  });
});
