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
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('staff back office in the browser', () => {
  it('signs in, filters, opens a transcript and takes over a live chat', async () => {
    const married = await chat('et', ['tahan abielluda', 'aitäh']);
    const retired = await chat('en', ['how do I get my pension']);
    await married.c.close();
    await retired.c.close();

    const page: Page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Every resource loads; the 401s are the expected answers to the session probe and
    // the wrong password.
    page.on('response', (r) => {
      if (r.status() >= 400 && r.status() !== 401) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${server.url}/staff`);
    await page.getByLabel('User name').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('User name').fill('ada');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong user name or password' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const rows = page.locator('#results tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Language').selectOption('en');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('how do I get my pension');

    await page.getByLabel('Language').selectOption('');
    await page.getByLabel('Search text').fill('abiellu');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows
      .first()
      .getByRole('button', { name: /^Open the conversation of/ })
      .click();
    await page.getByRole('heading', { name: 'Transcript' }).waitFor();
    const messages = page.getByRole('list', { name: 'Messages' });
    expect(await messages.textContent()).toContain('tahan abielluda');
    expect(await page.locator('dl').textContent()).toContain('resolved');

    // A live takeover: a citizen asks for a person; the admin takes it from the Live section.
    const waiting = await chat('et', []);
    waiting.c.send({ type: 'message', id: 'p1', text: 'palun inimene' });
    await waiting.c.next('reply');
    await page.getByRole('button', { name: 'Live' }).click();
    await page.getByRole('button', { name: 'Take' }).click();
    const panel = page.getByRole('region', { name: `Conversation ${waiting.sessionId}` });
    await panel.waitFor();
    await panel.getByText('palun inimene').waitFor();
    await panel.getByLabel('Your message').fill('Tere, siin Ada. Kuidas saan aidata?');
    await panel.getByRole('button', { name: 'Send' }).click();
    for (;;) {
      const r = await waiting.c.next('reply');
      if (r.role === 'agent') {
        expect(r.text).toBe('Tere, siin Ada. Kuidas saan aidata?');
        break;
      }
    }
    waiting.c.send({ type: 'message', id: 'p2', text: 'Aitäh, <b>vastus</b> oleks hea' });
    // Shown as text, never as markup.
    await panel.getByText('Aitäh, <b>vastus</b> oleks hea').waitFor();
    await panel.getByRole('button', { name: 'End conversation' }).click();
    await waiting.c.next('reply');
    await waiting.c.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});
