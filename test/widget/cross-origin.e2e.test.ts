/**
 * The widget embedded on another site, in real Chromium: the host pages are served from
 * `localhost` and the chat server is `127.0.0.1` (two origins, both on port 0). The widget talks
 * to the server its script came from, and "Open as a page" links to the plan on the chat
 * server, whose address the widget may ask for only from the origins in CORS_ORIGINS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

let chat: TestServer;
let host: Server;
let allowed: string;
let other: Server;
let notAllowed: string;
let browser: Browser;
const pageErrors: string[] = [];

/** A host site on localhost:<port 0>; `body` is its page. */
async function hostSite(body: () => string): Promise<[Server, string]> {
  const server = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return [server, `http://localhost:${(server.address() as AddressInfo).port}`];
}

const page = (inner: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host site</title></head>` +
  `<body><main><h1>Host site</h1></main>${inner}` +
  `<script src="${chat.url}/widget.js" data-lang="en" defer></script></body></html>`;

beforeAll(async () => {
  [host, allowed] = await hostSite(() => page(''));
  // This site places the element itself, without `server`: the script's origin is used.
  [other, notAllowed] = await hostSite(() => page('<life-event-chat lang="en"></life-event-chat>'));
  chat = await startServer({ CORS_ORIGINS: allowed });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await chat?.close();
  await new Promise((r) => host?.close(r));
  await new Promise((r) => other?.close(r));
});

const widget = (p: Page) => p.locator('life-event-chat');

async function openChat(url: string): Promise<Page> {
  const p = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  await p.goto(url);
  await widget(p).locator('.launcher').click();
  await widget(p).locator('li.msg.assistant').first().waitFor();
  return p;
}

async function say(p: Page, text: string): Promise<void> {
  const input = widget(p).locator('.composer textarea');
  await input.fill(text);
  await input.press('Enter');
}

/** The plan-address request from this page, as the widget makes it. */
const askPlan = (p: Page, id: string) =>
  p.evaluate(
    async ([base, sid]) => {
      try {
        const res = await fetch(`${base}/api/v1/conversations/${sid}/plan`);
        return `${res.status}`;
      } catch {
        return 'blocked';
      }
    },
    [chat.url, id] as const,
  );

describe('the widget on another origin', () => {
  let sessionId = '';

  it('links the plan to the chat server, asked for from an allowed origin', async () => {
    const p = await openChat(`${allowed}/`);
    await say(p, 'we want to get married');
    for (let i = 0; i < 6 && (await widget(p).locator('.checklist').count()) === 0; i++) {
      const yes = widget(p).locator('.options button', { hasText: /^\s*(Yes|In Estonia)\s*$/ });
      await yes.first().waitFor();
      await yes.first().click();
      await expect.poll(() => widget(p).locator('li.pending').count()).toBe(0);
    }
    const link = widget(p)
      .locator('.checklist')
      .getByRole('link', { name: /Open as a page/ });
    await link.waitFor();
    const href = (await link.getAttribute('href')) ?? '';
    // Absolute, on the chat server, not on the host site.
    expect(href).toMatch(new RegExp(`^${chat.url}/plan/[\\w-]+$`));
    const plan = await p.context().newPage();
    expect((await plan.goto(href))?.status()).toBe(200);
    expect(await plan.locator('body').innerText()).toMatch(/marriage/i);
    await plan.close();
    // The conversation id the widget keeps for resume (sessionStorage, per tab).
    sessionId = await p.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('life-event-chat:ws'));
      const saved = JSON.parse(sessionStorage.getItem(key ?? '') ?? '{}') as { sessionId?: string };
      return saved.sessionId ?? '';
    });
    expect(sessionId).not.toBe('');
    await p.close();
  }, 60_000);

  it('refuses the plan address to an origin that is not in CORS_ORIGINS', async () => {
    // The page placed the element itself, without `server`: it still chats with the chat server.
    const p = await openChat(`${notAllowed}/`);
    expect(await askPlan(p, sessionId)).toBe('blocked');
    await p.goto(`${allowed}/`);
    expect(await askPlan(p, sessionId)).toBe('200');
    // The preflight-free GET is answered for the listed origin only.
    const res = await fetch(`${chat.url}/api/v1/conversations/${sessionId}/plan`, {
      headers: { origin: allowed },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('vary')).toMatch(/Origin/);
    const refused = await fetch(`${chat.url}/api/v1/conversations/${sessionId}/plan`, {
      headers: { origin: notAllowed },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    await p.close();
  }, 30_000);

  it('raised no script errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
