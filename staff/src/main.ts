/**
 * The back-office client: sign-in, the sections a role may open, and routing between them.
 * Built with esbuild to dist/staff/staff.js (scripts/build-staff.ts); loaded by /staff.
 */
import { ApiError, createApi, type Me } from './api.js';
import { can, type Ctx, type Section } from './context.js';
import { renderConversations, renderTranscript } from './conversations.js';
import { h } from './dom.js';
import { renderLive } from './live.js';
import { renderAdmin, renderAnalytics, renderTraining } from './reports.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const SECTIONS: [Section, string, (me: Me) => boolean][] = [
  ['conversations', 'Conversations', () => true],
  ['live', 'Live', can.live],
  ['analytics', 'Analytics', can.analytics],
  ['training', 'Training', can.training],
  ['admin', 'Admin', can.admin],
];

function start(): void {
  const api = createApi();
  const view = $<HTMLDivElement>('view');
  const statusEl = $<HTMLParagraphElement>('status');
  const errorEl = $<HTMLParagraphElement>('error');
  const nav = $<HTMLElement>('nav');
  const who = $<HTMLParagraphElement>('who');
  const login = $<HTMLElement>('login');
  let cleanups: (() => void)[] = [];
  let ctx: Ctx | undefined;

  const leave = () => {
    for (const c of cleanups) c();
    cleanups = [];
    errorEl.textContent = '';
  };
  const error = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401)
      return showLogin('Your session has ended; sign in again.');
    errorEl.textContent = err instanceof Error ? err.message : String(err);
  };

  function showLogin(message = ''): void {
    leave();
    ctx = undefined;
    nav.hidden = true;
    who.hidden = true;
    view.replaceChildren();
    login.hidden = false;
    errorEl.textContent = message;
    $<HTMLInputElement>('login-user').focus();
  }

  function signedIn(me: Me): void {
    api.setCsrf(me.csrfToken);
    login.hidden = true;
    errorEl.textContent = '';
    const logout = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
    logout.addEventListener('click', () => {
      void api.post('/logout').finally(() => showLogin('Signed out.'));
    });
    who.replaceChildren(`${me.username} (${me.role}) `, logout);
    who.hidden = false;
    nav.replaceChildren();
    for (const [section, label, allowed] of SECTIONS) {
      if (!allowed(me)) continue;
      const b = h('button', { type: 'button', 'data-section': section }, label);
      b.addEventListener('click', () => go(section));
      nav.append(b);
    }
    nav.hidden = false;
    ctx = {
      api,
      me,
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
    go(can.live(me) && me.role === 'agent' ? 'live' : 'conversations');
  }

  const ctxOrThrow = (): Ctx => {
    if (!ctx) throw new Error('Not signed in.');
    return ctx;
  };

  function go(section: Section): void {
    leave();
    const c = ctxOrThrow();
    for (const b of nav.querySelectorAll('button')) {
      if (b.dataset.section === section) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    }
    const render = {
      conversations: renderConversations,
      live: renderLive,
      analytics: renderAnalytics,
      training: renderTraining,
      admin: renderAdmin,
    }[section];
    render(c);
  }

  $<HTMLFormElement>('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const value = (name: string) => {
      const v = new FormData(form).get(name);
      return typeof v === 'string' ? v : '';
    };
    api
      .post<Me>('/login', {
        username: value('username'),
        password: value('password'),
      })
      .then((me) => {
        form.reset();
        signedIn(me);
      })
      .catch((err: unknown) => {
        errorEl.textContent = err instanceof Error ? err.message : String(err);
      });
  });

  api.get<Me>('/me').then(signedIn, () => showLogin());
}

start();
