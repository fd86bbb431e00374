/** The conversation list with filters and paging, the transcript view, and exports. */
import { CONVERSATION_INTENTS, LIFE_EVENTS, OUT_OF_SCOPE } from '../../src/nlu/types.js';
// The API answers the store's shapes; a type-only import, so no server code is bundled.
import type { ListPage, Transcript, TranscriptMessage } from '../../src/store/transcript-store.js';
import { can, type Ctx } from './context.js';
import { field, h, select, table, time } from './dom.js';

const INTENTS = [...LIFE_EVENTS, ...CONVERSATION_INTENTS, OUT_OF_SCOPE];
const any: [string, string] = ['', 'any'];

/** The filter form keeps its values between visits. */
let lastQuery = new URLSearchParams();

export function renderConversations(ctx: Ctx): void {
  const { view } = ctx;
  const q = lastQuery;
  const input = (name: string, type = 'text') => {
    const el = h('input', { name, type });
    el.value = q.get(name) ?? '';
    return el;
  };
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter conversations' },
    field('From', input('from', 'date')),
    field('To', input('to', 'date')),
    field(
      'Life event',
      select(
        'lifeEvent',
        [any, ...LIFE_EVENTS.map((l): [string, string] => [l, l]), ['(none)', '(none)']],
        q.get('lifeEvent') ?? '',
      ),
    ),
    field(
      'Language',
      select('lang', [any, ['et', 'et'], ['en', 'en'], ['ru', 'ru']], q.get('lang') ?? ''),
    ),
    field(
      'Outcome',
      select(
        'outcome',
        [
          any,
          ['resolved', 'resolved'],
          ['handed-over', 'handed over'],
          ['abandoned', 'abandoned'],
          ['none', 'open'],
        ],
        q.get('outcome') ?? '',
      ),
    ),
    field(
      'Rating',
      select(
        'rating',
        [any, ['5', '5'], ['4', '4'], ['3', '3'], ['2', '2'], ['1', '1'], ['0', 'not rated']],
        q.get('rating') ?? '',
      ),
    ),
    can.transcriptsAll(ctx.me)
      ? field(
          'Handed over',
          select('handedOver', [any, ['true', 'yes'], ['false', 'no']], q.get('handedOver') ?? ''),
        )
      : null,
    field('Search text', input('q', 'search')),
    h('div', {}, h('button', { type: 'submit' }, 'Apply filters')),
  );
  const results = h('div', { id: 'results' });
  const exports = h('p', { class: 'row' });
  view.replaceChildren(h('h2', {}, 'Conversations'), form, exports, results);

  const params = () => {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form))
      if (typeof v === 'string' && v.trim()) p.set(k, v.trim());
    return p;
  };

  const showExports = (p: URLSearchParams) => {
    exports.replaceChildren();
    if (!can.transcriptsAll(ctx.me)) return;
    for (const format of ['csv', 'json']) {
      const e = new URLSearchParams(p);
      e.set('format', format);
      exports.append(
        h(
          'a',
          { class: 'button secondary', href: `/staff/api/export?${e.toString()}`, download: '' },
          `Export ${format.toUpperCase()}`,
        ),
      );
    }
  };

  const load = async (p: URLSearchParams, cursor?: string) => {
    const page = new URLSearchParams(p);
    if (cursor) page.set('cursor', cursor);
    page.set('limit', '50');
    const started = performance.now();
    const data = await ctx.api.get<ListPage>(`/conversations?${page.toString()}`);
    const rows = data.items.map((c) => {
      const open = h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-id': c.id,
          'aria-label': `Open the conversation of ${time(c.startedAt)}`,
        },
        'Open',
      );
      open.addEventListener('click', () => ctx.openTranscript(c.id));
      return [
        time(c.startedAt),
        c.lang,
        c.lifeEvents.join(', ') || '—',
        c.outcome ?? 'open',
        c.rating === null ? '—' : String(c.rating),
        c.handedOver ? 'yes' : 'no',
        String(c.messageCount),
        c.preview ?? '',
        open,
      ];
    });
    const tbl = table(
      [
        'Started',
        'Lang',
        'Life events',
        'Outcome',
        'Rating',
        'Handed over',
        'Messages',
        'First message',
        '',
      ],
      rows,
      `${data.items.length} conversations${data.nextCursor ? ' (more on the next page)' : ''}`,
    );
    const nav = h('p', { class: 'row' });
    if (cursor) {
      const first = h('button', { type: 'button', class: 'secondary' }, 'First page');
      first.addEventListener('click', () => void load(p).catch(ctx.error));
      nav.append(first);
    }
    if (data.nextCursor) {
      const next = h('button', { type: 'button', class: 'secondary' }, 'Next page');
      const nextCursor = data.nextCursor;
      next.addEventListener('click', () => void load(p, nextCursor).catch(ctx.error));
      nav.append(next);
    }
    results.replaceChildren(tbl, nav);
    ctx.status(
      `${data.items.length} conversations shown (${Math.round(performance.now() - started)} ms).`,
    );
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    lastQuery = params();
    showExports(lastQuery);
    void load(lastQuery).catch(ctx.error);
  });
  showExports(q);
  void load(q).catch(ctx.error);
}

export async function renderTranscript(ctx: Ctx, id: string): Promise<void> {
  const t = await ctx.api.get<Transcript>(`/conversations/${encodeURIComponent(id)}`);
  const c = t.conversation;
  const back = h('button', { type: 'button', class: 'secondary' }, 'Back to the list');
  back.addEventListener('click', () => ctx.go('conversations'));
  const meta = h(
    'dl',
    { class: 'meta' },
    ...(
      [
        ['Conversation', c.id],
        ['Started', time(c.startedAt)],
        ['Ended', time(c.endedAt)],
        ['Language', c.lang],
        ['Channel', c.channel],
        ['Life events', c.lifeEvents.join(', ') || '—'],
        ['Outcome', c.outcome ?? 'open'],
        ['Rating', c.rating === null ? '—' : `${c.rating}${c.comment ? ` — ${c.comment}` : ''}`],
        ['Handed over', c.handedOver ? 'yes' : 'no'],
      ] as const
    ).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages' });
  for (const m of t.messages) {
    const nlu = m.intent
      ? ` · ${m.intent} ${m.confidence === null ? '' : m.confidence.toFixed(2)}`
      : '';
    const node = m.node ? ` · ${m.node}` : '';
    const li = h(
      'li',
      { class: m.role },
      h('div', { class: 'meta' }, `${m.role} · ${time(m.at)}${nlu}${node}`),
      h('div', { class: 'text' }, m.text),
    );
    if (m.feedback) {
      // The citizen's per-answer feedback, beside the misclassification marks (issue 16).
      const what = m.feedback.reason === 'wrong-topic' ? 'wrong topic' : 'not helpful';
      const intent = m.feedback.intent ? ` (turn intent: ${m.feedback.intent})` : '';
      li.append(h('div', { class: 'meta answer-feedback' }, `Citizen: ${what}${intent}`));
    }
    if (m.role === 'citizen' && can.training(ctx.me)) li.append(correction(ctx, c.id, m));
    list.append(li);
  }
  const actions = h('p', { class: 'row' }, back);
  if (can.admin(ctx.me)) {
    const del = h('button', { type: 'button', class: 'danger' }, 'Delete this conversation');
    del.addEventListener('click', () => {
      if (!confirm('Delete this conversation and all its messages for good?')) return;
      ctx.api
        .del(`/conversations/${encodeURIComponent(c.id)}`)
        .then(() => {
          ctx.status('Conversation deleted.');
          ctx.go('conversations');
        })
        .catch(ctx.error);
    });
    actions.append(del);
  }
  ctx.view.replaceChildren(h('h2', {}, 'Transcript'), actions, meta, list);
  ctx.view.querySelector('h2')?.setAttribute('tabindex', '-1');
  ctx.view.querySelector<HTMLElement>('h2')?.focus();
}

function correction(ctx: Ctx, conversationId: string, m: TranscriptMessage): HTMLElement {
  const sel = select(
    `intent-${m.seq}`,
    [
      ['', m.correctedIntent ? 'clear the mark' : 'choose the right intent'],
      ...INTENTS.map((i): [string, string] => [i, i]),
    ],
    m.correctedIntent ?? '',
  );
  sel.id = `correct-${m.seq}`;
  const save = h('button', { type: 'submit', class: 'secondary' }, 'Mark misclassified');
  const note = h(
    'span',
    { class: 'meta' },
    m.correctedIntent ? `marked as ${m.correctedIntent} by ${m.correctedBy ?? '?'}` : '',
  );
  const form = h(
    'form',
    { class: 'row' },
    h('label', { for: sel.id }, 'Right intent'),
    sel,
    save,
    note,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const intent = sel.value || null;
    ctx.api
      .put(`/conversations/${encodeURIComponent(conversationId)}/messages/${m.seq}/correction`, {
        intent,
      })
      .then(() => {
        note.textContent = intent ? `marked as ${intent} by ${ctx.me.username}` : 'mark cleared';
        ctx.status('Saved.');
      })
      .catch(ctx.error);
  });
  return form;
}
