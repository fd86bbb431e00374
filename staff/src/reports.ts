/** Analytics, training-example export and the admin tools (deletion, purge, audit log). */
import type { Ctx } from './context.js';
import { field, h, table, time } from './dom.js';

interface AnalyticsRow {
  lifeEvent: string;
  lang: string;
  conversations: number;
  resolutionRate: number | null;
  fallbackRate: number | null;
  handoverRate: number | null;
  averageRating: number | null;
  rated: number;
  unrecognised: { text: string; count: number }[];
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

export function renderAnalytics(ctx: Ctx): void {
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Period' },
    field('From', from),
    field('To', to),
    h('div', {}, h('button', { type: 'submit' }, 'Show')),
  );
  const out = h('div');
  const json = h('a', { href: '/staff/api/analytics', class: 'button secondary' }, 'As JSON');
  ctx.view.replaceChildren(h('h2', {}, 'Analytics'), form, h('p', {}, json), out);
  const load = async () => {
    const p = new URLSearchParams();
    if (from.value) p.set('from', from.value);
    if (to.value) p.set('to', to.value);
    json.setAttribute('href', `/staff/api/analytics?${p.toString()}`);
    const data = await ctx.api.get<{ from: string; to: string; rows: AnalyticsRow[] }>(
      `/analytics?${p.toString()}`,
    );
    out.replaceChildren(
      table(
        [
          'Life event',
          'Lang',
          'Conversations',
          'Resolved',
          'Fallback',
          'Handed over',
          'Avg rating',
          'Most common unrecognised',
        ],
        data.rows.map((r) => [
          r.lifeEvent,
          r.lang,
          String(r.conversations),
          pct(r.resolutionRate),
          pct(r.fallbackRate),
          pct(r.handoverRate),
          r.averageRating === null ? '—' : `${r.averageRating.toFixed(1)} (${r.rated})`,
          h('ul', {}, ...r.unrecognised.map((u) => h('li', {}, `${u.text} (${u.count})`))),
        ]),
        `From ${data.from.slice(0, 10)} to ${data.to.slice(0, 10)}`,
      ),
    );
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load().catch(ctx.error);
  });
  void load().catch(ctx.error);
}

export function renderTraining(ctx: Ctx): void {
  ctx.view.replaceChildren(
    h('h2', {}, 'Training examples'),
    h(
      'p',
      {},
      'Citizen messages marked as misclassified (open a transcript to mark one), as training examples in the intents/ format: one YAML document per intent and language, or JSON Lines for `npm run nlu -- eval`.',
    ),
    h(
      'p',
      { class: 'row' },
      h(
        'a',
        {
          class: 'button',
          href: '/staff/api/training-examples?format=yaml',
          download: 'training-examples.yaml',
        },
        'Download YAML',
      ),
      h(
        'a',
        {
          class: 'button secondary',
          href: '/staff/api/training-examples?format=jsonl',
          download: 'training-examples.jsonl',
        },
        'Download JSON Lines',
      ),
    ),
  );
}

interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export function renderAdmin(ctx: Ctx): void {
  const code = h('input', {
    name: 'personalCode',
    inputmode: 'numeric',
    pattern: '\\d{11}',
    autocomplete: 'off',
    required: true,
  });
  const delForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Delete a person’s conversations' },
    field('Personal code', code),
    h(
      'div',
      {},
      h('button', { type: 'submit', class: 'danger' }, 'Delete all their conversations'),
    ),
  );
  delForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!confirm('Delete every conversation of this person for good?')) return;
    ctx.api
      .del<{ deleted: number }>('/subjects', { personalCode: code.value.trim() })
      .then((r) => {
        code.value = '';
        ctx.status(`${r.deleted} conversations deleted.`);
      })
      .catch(ctx.error);
  });
  const retention = h('p');
  const purge = h('button', { type: 'button', class: 'secondary' }, 'Run the purge now');
  purge.addEventListener('click', () => {
    ctx.api
      .post<Record<string, number>>('/retention/purge')
      .then((r) =>
        ctx.status(
          `Purged: ${Object.entries(r)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}.`,
        ),
      )
      .catch(ctx.error);
  });
  const audit = h('div');
  ctx.view.replaceChildren(
    h('h2', {}, 'Deletion on request'),
    delForm,
    h('h2', {}, 'Retention'),
    retention,
    h('p', {}, purge),
    h('h2', {}, 'Audit log'),
    audit,
  );
  void ctx.api
    .get<{ retentionDays: number }>('/retention')
    .then(
      (r) =>
        (retention.textContent = `Conversations are kept ${r.retentionDays} days after their last message.`),
    )
    .catch(ctx.error);
  void ctx.api
    .get<AuditEntry[]>('/audit?limit=200')
    .then((rows) =>
      audit.replaceChildren(
        table(
          ['When', 'Who', 'What', 'Target', 'Detail'],
          rows.map((r) => [time(r.at), r.actor, r.action, r.target ?? '', r.detail ?? '']),
        ),
      ),
    )
    .catch(ctx.error);
}
