/** The live queue: take a conversation, chat with the citizen, hand back or end; contact requests. */
import type { Ctx } from './context.js';
import { h, table, time } from './dom.js';

interface QueueItem {
  sessionId: string;
  position: number;
  since: number;
  lang: string;
  lifeEvents: string[];
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

export function renderLive(ctx: Ctx): void {
  const queueBox = h('div', { id: 'queue' });
  const chats = h('div', { id: 'chats' });
  const contacts = h('div', { id: 'contacts' });
  ctx.view.replaceChildren(
    h('h2', {}, 'Live queue'),
    queueBox,
    h('h2', {}, 'My conversations'),
    chats,
    h('h2', {}, 'Contact requests'),
    contacts,
  );
  const panels = new Map<string, { log: HTMLOListElement; seen: Set<number> }>();

  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/staff/ws`;
  const ws = new WebSocket(url);
  let closing = false;
  ctx.onLeave(() => {
    closing = true;
    ws.close();
  });
  const send = (frame: object) => ws.send(JSON.stringify(frame));

  ws.addEventListener('open', () => ctx.status('Connected to the live queue.'));
  ws.addEventListener('close', () => {
    if (!closing) ctx.error(new Error('The live connection closed; open the Live section again.'));
  });
  ws.addEventListener('message', (ev: MessageEvent<string>) => {
    const frame = JSON.parse(ev.data) as ServerFrame;
    switch (frame.type) {
      case 'queue':
        renderQueue(frame.queued, frame.live);
        break;
      case 'history': {
        const panel = openPanel(frame.sessionId);
        for (const f of frame.frames) addFrame(panel, f);
        break;
      }
      case 'frame': {
        addFrame(openPanel(frame.sessionId), frame.frame);
        break;
      }
      case 'error':
        ctx.error(new Error(frame.message));
        break;
      case 'hello':
        break;
    }
  });

  function renderQueue(queued: QueueItem[], live: LiveItem[]) {
    const rows = queued.map((q) => {
      const take = h('button', { type: 'button' }, 'Take');
      take.addEventListener('click', () => send({ type: 'take', sessionId: q.sessionId }));
      return [String(q.position), time(q.since), q.lang, q.lifeEvents.join(', ') || '—', take];
    });
    queueBox.replaceChildren(
      queued.length
        ? table(['#', 'Waiting since', 'Lang', 'Life events', ''], rows, `${queued.length} waiting`)
        : h('p', {}, 'Nobody is waiting.'),
      h(
        'p',
        { class: 'meta' },
        live.length
          ? `In conversation: ${live.map((l) => `${l.agent} (${l.lang})`).join(', ')}`
          : 'No conversation is with a person right now.',
      ),
    );
    // Conversations this agent no longer has (handed back, ended elsewhere) lose their input.
    for (const [id, panel] of panels) {
      const mine = live.some((l) => l.sessionId === id && l.agent === ctx.me.username);
      panel.log.closest('.chat')?.classList.toggle('closed', !mine);
      const form = panel.log.closest('.chat')?.querySelector('form');
      if (form) form.hidden = !mine;
    }
  }

  function openPanel(sessionId: string) {
    const existing = panels.get(sessionId);
    if (existing) return existing;
    const log = h('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': 'Messages' });
    const inputId = `say-${sessionId}`;
    const text = h('input', { id: inputId, name: 'text', autocomplete: 'off', required: true });
    const form = h(
      'form',
      { class: 'row' },
      h('label', { for: inputId }, 'Your message'),
      text,
      h('button', { type: 'submit' }, 'Send'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      send({ type: 'say', sessionId, text: text.value });
      text.value = '';
    });
    const back = h('button', { type: 'button', class: 'secondary' }, 'Hand back to the assistant');
    back.addEventListener('click', () => send({ type: 'hand-back', sessionId }));
    const end = h('button', { type: 'button', class: 'secondary' }, 'End conversation');
    end.addEventListener('click', () => send({ type: 'end', sessionId }));
    const section = h(
      'section',
      { class: 'chat', 'aria-label': `Conversation ${sessionId}` },
      h('h3', {}, `Conversation ${sessionId.slice(0, 8)}`),
      log,
      form,
      h('p', { class: 'row' }, back, end),
    );
    chats.append(section);
    text.focus();
    const panel = { log, seen: new Set<number>() };
    panels.set(sessionId, panel);
    return panel;
  }

  function addFrame(panel: { log: HTMLOListElement; seen: Set<number> }, f: Frame) {
    if (panel.seen.has(f.seq)) return;
    panel.seen.add(f.seq);
    const role = f.type === 'user' ? 'citizen' : (f.role ?? 'assistant');
    panel.log.append(
      h(
        'li',
        { class: role },
        h('div', { class: 'meta' }, `${role} · ${time(f.ts)}`),
        h('div', {}, f.text),
      ),
    );
  }

  const loadContacts = async () => {
    const list = await ctx.api.get<ContactRequest[]>('/contact-requests');
    const rows = list.map((r) => {
      const done = h('button', { type: 'button', class: 'secondary' }, 'Mark handled');
      done.addEventListener(
        'click',
        () =>
          void ctx.api
            .post(`/contact-requests/${encodeURIComponent(r.id)}/handled`)
            .then(loadContacts)
            .catch(ctx.error),
      );
      return [time(r.createdAt), r.lang, r.text, done];
    });
    contacts.replaceChildren(
      list.length
        ? table(['Left at', 'Lang', 'Contact and question', ''], rows)
        : h('p', {}, 'No open contact requests.'),
    );
  };
  void loadContacts().catch(ctx.error);
}
