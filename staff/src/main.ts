/**
 * The back-office client: sign-in, the sections a role may open, and routing between them.
 * Built with esbuild to dist/staff/staff.js (scripts/build-staff.ts); loaded by /staff.
 * Texts: locales/<lang>/staff.json through ./i18n.ts (Estonian by default).
 */
import { ApiError, createApi, type Me } from './api.js';
import { can, type Ctx, type Section } from './context.js';
import { renderConversations, renderTranscript } from './conversations.js';
import { h } from './dom.js';
import { langName, loadTexts, t, uiLang, uiLangs, type UiLang } from './i18n.js';
import { renderLive } from './live.js';
import { renderAdmin, renderAnalytics, renderTraining } from './reports.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const SECTIONS: [Section, (me: Me) => boolean][] = [
  ['conversations', () => true],
  ['live', can.live],
  ['analytics', can.analytics],
  ['training', can.training],
  ['admin', can.admin],
];

/** Fills the static page's texts (data-i18n: text, data-i18n-label: aria-label). */
function translatePage(): void {
  document.title = t('page.title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]'))
    el.textContent = t(el.dataset.i18n ?? '');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nLabel ?? ''));
  const picker = $<HTMLSelectElement>('ui-lang');
  picker.replaceChildren(
    ...uiLangs().map((l) => h('option', { value: l, lang: l }, langName(`self-${l}`))),
  );
  picker.value = uiLang();
}

/** A server error in the interface language when its code is known. */
function message(err: unknown): string {
  if (err instanceof ApiError) {
    const known = t(`error.${err.code}`);
    return known === `error.${err.code}` ? err.message : known;
  }
  return err instanceof Error ? err.message : String(err);
}

async function start(): Promise<void> {
  await loadTexts();
  const api = createApi();
  const view = $<HTMLDivElement>('view');
  const statusEl = $<HTMLParagraphElement>('status');
  const errorEl = $<HTMLParagraphElement>('error');
  const nav = $<HTMLElement>('nav');
  const who = $<HTMLParagraphElement>('who');
  const login = $<HTMLElement>('login');
  let cleanups: (() => void)[] = [];
  let ctx: Ctx | undefined;
  let section: Section | undefined;
  let me: Me | undefined;

  /** Leaving a view: its sockets and timers end, and its status and error lines go with it. */
  const leave = () => {
    for (const c of cleanups) c();
    cleanups = [];
    errorEl.textContent = '';
    statusEl.textContent = '';
  };
  const error = (err: unknown) => {
    if (err === null) {
      errorEl.textContent = '';
      return;
    }
    if (err instanceof ApiError && err.status === 401) return showLogin(t('login.ended'));
    errorEl.textContent = message(err);
  };

  function showLogin(text = ''): void {
    leave();
    ctx = undefined;
    me = undefined;
    nav.hidden = true;
    who.hidden = true;
    view.replaceChildren();
    login.hidden = false;
    errorEl.textContent = text;
    $<HTMLInputElement>('login-user').focus();
  }

  function signedIn(who_: Me, open?: Section): void {
    me = who_;
    api.setCsrf(who_.csrfToken);
    login.hidden = true;
    errorEl.textContent = '';
    const logout = h('button', { type: 'button', class: 'secondary' }, t('page.signOut'));
    logout.addEventListener('click', () => {
      void api.post('/logout').finally(() => showLogin(t('login.signedOut')));
    });
    who.replaceChildren(
      `${t('page.signedInAs', { user: who_.username, role: t(`role.${who_.role}`) })} `,
      logout,
    );
    who.hidden = false;
    nav.replaceChildren();
    for (const [s, allowed] of SECTIONS) {
      if (!allowed(who_)) continue;
      const b = h('button', { type: 'button', 'data-section': s }, t(`nav.${s}`));
      b.addEventListener('click', () => go(s));
      nav.append(b);
    }
    nav.hidden = false;
    ctx = {
      api,
      me: who_,
      view,
      status: (m) => (statusEl.textContent = m),
      error,
      go,
      openTranscript: (id) => {
        leave();
        renderTranscript(ctxOrThrow(), id).catch(error);
      },
      onLeave: (c) => cleanups.push(c),
    };
    go(open ?? (can.live(who_) && who_.role === 'agent' ? 'live' : 'conversations'));
  }

  const ctxOrThrow = (): Ctx => {
    if (!ctx) throw new Error('Not signed in.');
    return ctx;
  };

  function go(to: Section): void {
    leave();
    section = to;
    const c = ctxOrThrow();
    for (const b of nav.querySelectorAll('button')) {
      if (b.dataset.section === to) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    }
    const render = {
      conversations: renderConversations,
      live: renderLive,
      analytics: renderAnalytics,
      training: renderTraining,
      admin: renderAdmin,
    }[to];
    render(c);
  }

  translatePage();
  $<HTMLSelectElement>('ui-lang').addEventListener('change', (e) => {
    const chosen = (e.currentTarget as HTMLSelectElement).value as UiLang;
    loadTexts(chosen)
      .then(() => {
        translatePage();
        if (me) signedIn(me, section);
        else showLogin();
      })
      .catch(error);
  });

  $<HTMLFormElement>('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const value = (name: string) => {
      const v = new FormData(form).get(name);
      return typeof v === 'string' ? v : '';
    };
    api
      .post<Me>('/login', { username: value('username'), password: value('password') })
      .then((m) => {
        form.reset();
        signedIn(m);
      })
      .catch((err: unknown) => {
        errorEl.textContent = message(err);
      });
  });

  api.get<Me>('/me').then(
    (m) => signedIn(m),
    () => showLogin(),
  );
}

void start();
