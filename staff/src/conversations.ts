/** The conversation list with filters and paging, the transcript view, and exports. */
import { CONVERSATION_INTENTS, LIFE_EVENTS, OUT_OF_SCOPE } from '../../src/nlu/types.js';
// The API answers the store's shapes; a type-only import, so no server code is bundled.
import type { ListPage, Transcript, TranscriptMessage } from '../../src/store/transcript-store.js';
import { can, type Ctx } from './context.js';
import { field, h, select, table } from './dom.js';
import { langName, lifeEventName, t, time } from './i18n.js';

const INTENTS = [...LIFE_EVENTS, ...CONVERSATION_INTENTS, OUT_OF_SCOPE];
const LANGS = ['et', 'en', 'ru'];

/** The filter form keeps its values between visits. */
let lastQuery = new URLSearchParams();

const lifeEvents = (list: string[]) => list.map(lifeEventName).join(', ') || '—';
const outcome = (o: string | null) => t(`outcome.${o ?? 'open'}`);
const yesNo = (b: boolean) => t(b ? 'common.yes' : 'common.no');

export function renderConversations(ctx: Ctx): void {
  const { view } = ctx;
  const q = lastQuery;
  const any: [string, string] = ['', t('filter.any')];
  const input = (name: string, type = 'text') => {
    const el = h('input', { name, type });
    el.value = q.get(name) ?? '';
    return el;
  };
  const form = h(
    'form',
    { class: 'filters', 'aria-label': t('filter.label') },
    field(t('filter.from'), input('from', 'date')),
    field(t('filter.to'), input('to', 'date')),
    field(
      t('filter.lifeEvent'),
      select(
        'lifeEvent',
        [
          any,
          ...LIFE_EVENTS.map((l): [string, string] => [l, lifeEventName(l)]),
          ['(none)', lifeEventName('(none)')],
        ],
        q.get('lifeEvent') ?? '',
      ),
    ),
    field(
      t('filter.lang'),
      select(
        'lang',
        [any, ...LANGS.map((l): [string, string] => [l, langName(l)])],
        q.get('lang') ?? '',
      ),
    ),
    field(
      t('filter.outcome'),
      select(
        'outcome',
        [
          any,
          ['resolved', outcome('resolved')],
          ['handed-over', outcome('handed-over')],
          ['abandoned', outcome('abandoned')],
          ['none', outcome(null)],
        ],
        q.get('outcome') ?? '',
      ),
    ),
    field(
      t('filter.rating'),
      select(
        'rating',
        [
          any,
          ['5', '5'],
          ['4', '4'],
          ['3', '3'],
          ['2', '2'],
          ['1', '1'],
          ['0', t('filter.notRated')],
        ],
        q.get('rating') ?? '',
      ),
    ),
    can.transcriptsAll(ctx.me)
      ? field(
          t('filter.handedOver'),
          select(
            'handedOver',
            [any, ['true', t('common.yes')], ['false', t('common.no')]],
            q.get('handedOver') ?? '',
          ),
        )
      : null,
    field(t('filter.search'), input('q', 'search')),
    h('div', {}, h('button', { type: 'submit' }, t('filter.apply'))),
  );
  const results = h('div', { id: 'results' });
  const exports = h('p', { class: 'row' });
  view.replaceChildren(h('h2', {}, t('conversations.title')), form, exports, results);

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
          t(`conversations.export.${format}`),
        ),
      );
    }
  };

  let alive = true;
  ctx.onLeave(() => (alive = false));
  const load = async (p: URLSearchParams, cursor?: string) => {
    const page = new URLSearchParams(p);
    if (cursor) page.set('cursor', cursor);
    page.set('limit', '50');
    const started = performance.now();
    const data = await ctx.api.get<ListPage>(`/conversations?${page.toString()}`);
    // An answer that arrives after the person went to another view changes nothing there.
    if (!alive) return;
    const rows = data.items.map((c) => {
      const open = h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-id': c.id,
          'aria-label': t('conversations.openLabel', { time: time(c.startedAt) }),
        },
        t('conversations.open'),
      );
      open.addEventListener('click', () => ctx.openTranscript(c.id));
      return [
        time(c.startedAt),
        langName(c.lang),
        lifeEvents(c.lifeEvents),
        outcome(c.outcome),
        c.rating === null ? '—' : String(c.rating),
        yesNo(c.handedOver),
        String(c.messageCount),
        c.preview ?? '',
        open,
      ];
    });
    const tbl = table(
      [
        t('conversations.col.started'),
        t('conversations.col.lang'),
        t('conversations.col.lifeEvents'),
        t('conversations.col.outcome'),
        t('conversations.col.rating'),
        t('conversations.col.handedOver'),
        t('conversations.col.messages'),
        t('conversations.col.first'),
        t('common.action'),
      ],
      rows,
      t(data.nextCursor ? 'conversations.countMore' : 'conversations.count', {
        n: data.items.length,
      }),
    );
    const nav = h('p', { class: 'row' });
    if (cursor) {
      const first = h('button', { type: 'button', class: 'secondary' }, t('conversations.first'));
      first.addEventListener('click', () => void load(p).catch(ctx.error));
      nav.append(first);
    }
    if (data.nextCursor) {
      const next = h('button', { type: 'button', class: 'secondary' }, t('conversations.next'));
      const nextCursor = data.nextCursor;
      next.addEventListener('click', () => void load(p, nextCursor).catch(ctx.error));
      nav.append(next);
    }
    results.replaceChildren(tbl, nav);
    ctx.status(
      t('conversations.shown', {
        n: data.items.length,
        ms: Math.round(performance.now() - started),
      }),
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
  const tr = await ctx.api.get<Transcript>(`/conversations/${encodeURIComponent(id)}`);
  const c = tr.conversation;
  const back = h('button', { type: 'button', class: 'secondary' }, t('transcript.back'));
  back.addEventListener('click', () => ctx.go('conversations'));
  const meta = h(
    'dl',
    { class: 'meta' },
    ...(
      [
        [t('transcript.id'), c.id],
        [t('transcript.started'), time(c.startedAt)],
        [t('transcript.ended'), time(c.endedAt)],
        [t('transcript.lang'), langName(c.lang)],
        [t('transcript.channel'), c.channel],
        [t('transcript.lifeEvents'), lifeEvents(c.lifeEvents)],
        [t('transcript.outcome'), outcome(c.outcome)],
        [
          t('transcript.rating'),
          c.rating === null ? '—' : `${c.rating}${c.comment ? ` — ${c.comment}` : ''}`,
        ],
        [t('transcript.handedOver'), yesNo(c.handedOver)],
      ] as const
    ).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
  const list = h('ol', { class: 'messages', 'aria-label': t('transcript.messages') });
  for (const m of [...tr.messages].sort((a, b) => a.seq - b.seq)) {
    const nlu = m.intent
      ? ` · ${m.intent} ${m.confidence === null ? '' : m.confidence.toFixed(2)}`
      : '';
    const node = m.node ? ` · ${m.node}` : '';
    const li = h(
      'li',
      { class: m.role },
      h('div', { class: 'meta' }, `${t(`role.msg.${m.role}`)} · ${time(m.at)}${nlu}${node}`),
      h('div', { class: 'text' }, m.text),
    );
    if (m.feedback) {
      // The citizen's per-answer feedback, beside the misclassification marks (issue 16).
      const what = t(`feedback.${m.feedback.reason}`);
      li.append(
        h(
          'p',
          { class: 'feedback' },
          m.feedback.intent
            ? t('transcript.feedbackIntent', { what, intent: m.feedback.intent })
            : t('transcript.feedback', { what }),
        ),
      );
    }
    if (m.role === 'citizen' && can.training(ctx.me)) li.append(correction(ctx, c.id, m));
    list.append(li);
  }
  const actions = h('p', { class: 'row' }, back);
  if (can.admin(ctx.me)) {
    const del = h('button', { type: 'button', class: 'danger' }, t('transcript.delete'));
    del.addEventListener('click', () => {
      if (!confirm(t('transcript.deleteConfirm'))) return;
      ctx.api
        .del(`/conversations/${encodeURIComponent(c.id)}`)
        .then(() => {
          ctx.go('conversations');
          ctx.status(t('transcript.deleted'));
        })
        .catch(ctx.error);
    });
    actions.append(del);
  }
  ctx.view.replaceChildren(h('h2', {}, t('transcript.title')), actions, meta, list);
  ctx.view.querySelector('h2')?.setAttribute('tabindex', '-1');
  ctx.view.querySelector<HTMLElement>('h2')?.focus();
}

function correction(ctx: Ctx, conversationId: string, m: TranscriptMessage): HTMLElement {
  const sel = select(
    `intent-${m.seq}`,
    [
      ['', m.correctedIntent ? t('transcript.clearMark') : t('transcript.chooseIntent')],
      ...INTENTS.map((i): [string, string] => [i, i]),
    ],
    m.correctedIntent ?? '',
  );
  sel.id = `correct-${m.seq}`;
  const save = h('button', { type: 'submit', class: 'secondary' }, t('transcript.mark'));
  const note = h(
    'span',
    { class: 'meta' },
    m.correctedIntent
      ? t('transcript.markedAs', { intent: m.correctedIntent, user: m.correctedBy ?? '?' })
      : '',
  );
  const form = h(
    'form',
    { class: 'row' },
    h('label', { for: sel.id }, t('transcript.rightIntent')),
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
        note.textContent = intent
          ? t('transcript.markedAs', { intent, user: ctx.me.username })
          : t('transcript.markCleared');
        ctx.status(t('common.saved'));
      })
      .catch(ctx.error);
  });
  return form;
}
