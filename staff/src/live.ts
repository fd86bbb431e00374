/** The live queue: take a conversation, chat with the citizen, hand back or end; contact requests. */
import type { Ctx } from './context.js';
import { h, select, table } from './dom.js';
import { duration, langName, lifeEventName, t, time } from './i18n.js';

interface QueueItem {
  sessionId: string;
  position: number;
  since: number;
  lang: string;
  lifeEvents: string[];
  question: string | null;
}
interface LiveItem {
  sessionId: string;
  agent: string;
  since: number;
  lang: string;
}
interface Frame {
  type: 'user' | 'reply';
  seq: number;
  text: string;
  role?: string;
  ts: number;
}
type ServerFrame =
  | { type: 'hello'; username: string }
  | { type: 'queue'; queued: QueueItem[]; live: LiveItem[] }
  | { type: 'history'; sessionId: string; frames: Frame[] }
  | { type: 'frame'; sessionId: string; frame: Frame }
  | { type: 'error'; code: string; message: string };

interface ContactRequest {
  id: string;
  conversationId: string;
  createdAt: number;
  lang: string;
  text: string;
}

interface CannedReply {
  id: string;
  label: string;
  text: string;
}

interface Panel {
  log: HTMLOListElement;
  seen: Set<number>;
  section: HTMLElement;
  canned: HTMLSelectElement;
}

/** How often the waiting times in the queue are brought up to date. */
const TICK_MS = 10_000;

export function renderLive(ctx: Ctx): void {
  const queueBox = h('div', { id: 'queue' });
  const chats = h('div', { id: 'chats' });
  const contacts = h('div', { id: 'contacts' });
  ctx.view.replaceChildren(
    h('h2', {}, t('live.queueTitle')),
    queueBox,
    h('h2', {}, t('live.mineTitle')),
    chats,
    h('h2', {}, t('live.contactsTitle')),
    contacts,
  );
  const panels = new Map<string, Panel>();
  /** Each conversation's language, from the queue, for its canned replies. */
  const langs = new Map<string, string>();
  let canned: Partial<Record<string, CannedReply[]>> = {};
  let lastQueue: { queued: QueueItem[]; live: LiveItem[] } = { queued: [], live: [] };

  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/staff/ws`;
  let ws: WebSocket | undefined;
  let closing = false;
  /** Reconnect delay after a lost connection (a server restart): 1 s doubling to 30 s. */
  let retryMs = 1000;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const tick = setInterval(() => renderQueue(lastQueue.queued, lastQueue.live), TICK_MS);
  ctx.onLeave(() => {
    closing = true;
    clearInterval(tick);
    clearTimeout(retry);
    ws?.close();
  });
  const send = (frame: object) => ws?.send(JSON.stringify(frame));

  /**
   * Opens the agent socket. Lost (not revoked), it reconnects with backoff; on connect the
   * server sends the queue and the history of every conversation this agent holds, so the
   * panels go on where they were (frames are keyed by seq, none is shown twice).
   */
  function connect(): void {
    const socket = new WebSocket(url);
    ws = socket;
    socket.addEventListener('open', () => {
      retryMs = 1000;
      ctx.error(null);
      ctx.status(t('live.connected'));
    });
    socket.addEventListener('close', (ev) => {
      if (closing) return;
      if (ev.code === 4401 || ev.code === 4403) {
        ctx.error(new Error(t('live.revoked')));
        return;
      }
      ctx.error(new Error(t('live.closed', { seconds: Math.round(retryMs / 1000) })));
      retry = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30_000);
    });
    socket.addEventListener('message', (ev: MessageEvent<string>) => {
      const frame = JSON.parse(ev.data) as ServerFrame;
      switch (frame.type) {
        case 'queue':
          lastQueue = frame;
          for (const q of [...frame.queued, ...frame.live]) langs.set(q.sessionId, q.lang);
          renderQueue(frame.queued, frame.live);
          break;
        case 'history': {
          const panel = openPanel(frame.sessionId);
          for (const f of frame.frames) addFrame(panel, f);
          break;
        }
        case 'frame':
          addFrame(openPanel(frame.sessionId), frame.frame);
          break;
        case 'error': {
          const known = t(`error.${frame.code}`);
          ctx.error(new Error(known === `error.${frame.code}` ? frame.message : known));
          break;
        }
        case 'hello':
          break;
      }
    });
  }
  connect();

  function renderQueue(queued: QueueItem[], live: LiveItem[]) {
    const now = Date.now();
    const rows = queued.map((q) => {
      const take = h(
        'button',
        { type: 'button', 'aria-label': t('live.takeLabel', { n: q.position }) },
        t('live.take'),
      );
      take.addEventListener('click', () => send({ type: 'take', sessionId: q.sessionId }));
      return [
        String(q.position),
        duration(now - q.since),
        langName(q.lang),
        q.lifeEvents.map(lifeEventName).join(', ') || lifeEventName('(none)'),
        h('span', { class: 'question' }, q.question ?? '—'),
        take,
      ];
    });
    queueBox.replaceChildren(
      queued.length
        ? table(
            [
              t('live.col.position'),
              t('live.col.waiting'),
              t('live.col.lang'),
              t('live.col.lifeEvents'),
              t('live.col.question'),
              t('common.action'),
            ],
            rows,
            t('live.waitingCount', { n: queued.length }),
          )
        : h('p', {}, t('live.nobody')),
      h(
        'p',
        { class: 'meta' },
        live.length
          ? t('live.withPeople', {
              list: live.map((l) => `${l.agent} (${langName(l.lang)})`).join(', '),
            })
          : t('live.noneWithPeople'),
      ),
    );
    // Conversations this agent no longer has (handed back, ended elsewhere) lose their input.
    for (const [id, panel] of panels) {
      const mine = live.some((l) => l.sessionId === id && l.agent === ctx.me.username);
      panel.section.classList.toggle('closed', !mine);
      for (const form of panel.section.querySelectorAll('form')) form.hidden = !mine;
    }
  }

  function openPanel(sessionId: string): Panel {
    const existing = panels.get(sessionId);
    if (existing) return existing;
    const lang = langs.get(sessionId) ?? 'et';
    const log = h('ol', {
      class: 'messages',
      'aria-live': 'polite',
      'aria-label': t('live.messages'),
    });
    const inputId = `say-${sessionId}`;
    const hintId = `say-hint-${sessionId}`;
    const text = h('textarea', {
      id: inputId,
      name: 'text',
      rows: '3',
      autocomplete: 'off',
      required: true,
      'aria-describedby': hintId,
    });
    const form = h(
      'form',
      { class: 'say' },
      h('label', { for: inputId }, t('live.yourMessage')),
      text,
      h('p', { id: hintId, class: 'meta' }, t('live.enterHint')),
      h('p', { class: 'row' }, h('button', { type: 'submit' }, t('live.send'))),
    );
    const submit = () => {
      if (!text.value.trim()) return;
      send({ type: 'say', sessionId, text: text.value.trim() });
      text.value = '';
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit();
    });
    // Enter sends; Shift+Enter starts a new line (and an IME composition is left alone).
    text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    const cannedId = `canned-${sessionId}`;
    const cannedSel = select('canned', []);
    cannedSel.id = cannedId;
    const insert = h('button', { type: 'submit', class: 'secondary' }, t('live.insert'));
    const cannedForm = h(
      'form',
      { class: 'row' },
      h('label', { for: cannedId }, t('live.canned', { lang: langName(lang) })),
      cannedSel,
      insert,
    );
    cannedForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const reply = (canned[lang] ?? []).find((c) => c.id === cannedSel.value);
      if (!reply) return;
      const before = text.value && !text.value.endsWith('\n') ? `${text.value}\n` : text.value;
      text.value = `${before}${reply.text}`;
      text.focus();
    });
    const back = h('button', { type: 'button', class: 'secondary' }, t('live.handBack'));
    back.addEventListener('click', () => send({ type: 'hand-back', sessionId }));
    const end = h('button', { type: 'button', class: 'secondary' }, t('live.end'));
    end.addEventListener('click', () => send({ type: 'end', sessionId }));
    const title = t('live.conversation', { id: sessionId.slice(0, 8), lang: langName(lang) });
    const section = h(
      'section',
      { class: 'chat', 'aria-label': t('live.conversationLabel', { id: sessionId }) },
      h('h3', {}, title),
      log,
      form,
      cannedForm,
      h('p', { class: 'row' }, back, end),
    );
    chats.append(section);
    text.focus();
    const panel: Panel = { log, seen: new Set<number>(), section, canned: cannedSel };
    panels.set(sessionId, panel);
    fillCanned(panel, lang);
    return panel;
  }

  function fillCanned(panel: Panel, lang: string) {
    const list = canned[lang] ?? [];
    panel.canned.replaceChildren(
      ...list.map((c) => h('option', { value: c.id, title: c.text }, c.label)),
    );
    panel.canned.disabled = list.length === 0;
  }

  /** Adds a frame in sequence order: a late history never lands below newer frames. */
  function addFrame(panel: Panel, f: Frame) {
    if (panel.seen.has(f.seq)) return;
    panel.seen.add(f.seq);
    const role = f.type === 'user' ? 'citizen' : (f.role ?? 'assistant');
    const li = h(
      'li',
      { class: role, 'data-seq': String(f.seq) },
      h('div', { class: 'meta' }, `${t(`role.msg.${role}`)} · ${time(f.ts)}`),
      h('div', {}, f.text),
    );
    const later = [...panel.log.children].find(
      (el) => Number((el as HTMLElement).dataset.seq) > f.seq,
    );
    panel.log.insertBefore(li, later ?? null);
  }

  void ctx.api
    .get<Partial<Record<string, CannedReply[]>>>('/canned-replies')
    .then((c) => {
      canned = c;
      for (const [id, panel] of panels) fillCanned(panel, langs.get(id) ?? 'et');
    })
    .catch(ctx.error);

  const loadContacts = async () => {
    const list = await ctx.api.get<ContactRequest[]>('/contact-requests');
    const rows = list.map((r) => {
      const done = h('button', { type: 'button', class: 'secondary' }, t('live.markHandled'));
      done.addEventListener(
        'click',
        () =>
          void ctx.api
            .post(`/contact-requests/${encodeURIComponent(r.id)}/handled`)
            .then(loadContacts)
            .catch(ctx.error),
      );
      return [time(r.createdAt), langName(r.lang), r.text, done];
    });
    contacts.replaceChildren(
      list.length
        ? table(
            [
              t('live.contactCol.at'),
              t('live.contactCol.lang'),
              t('live.contactCol.text'),
              t('common.action'),
            ],
            rows,
          )
        : h('p', {}, t('live.noContacts')),
    );
  };
  void loadContacts().catch(ctx.error);
}
