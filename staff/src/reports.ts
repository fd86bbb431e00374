/** Analytics, training-example export and the admin tools (deletion, purge, audit log). */
import type { AnalyticsRow } from '../../src/store/transcript-store.js';
import { renderCanned } from './canned.js';
import type { Ctx } from './context.js';
import { field, h, table } from './dom.js';
import { duration, langName, lifeEventName, t, time } from './i18n.js';

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

export function renderAnalytics(ctx: Ctx): void {
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const form = h(
    'form',
    { class: 'filters', 'aria-label': t('analytics.period') },
    field(t('filter.from'), from),
    field(t('filter.to'), to),
    h('div', {}, h('button', { type: 'submit' }, t('analytics.show'))),
  );
  const out = h('div');
  const json = h(
    'a',
    { href: '/staff/api/analytics', class: 'button secondary' },
    t('analytics.json'),
  );
  ctx.view.replaceChildren(
    h('h2', {}, t('analytics.title')),
    form,
    h('p', {}, json),
    out,
    h('p', { class: 'meta' }, t('analytics.explain')),
  );
  let alive = true;
  ctx.onLeave(() => (alive = false));
  const load = async () => {
    const p = new URLSearchParams();
    if (from.value) p.set('from', from.value);
    if (to.value) p.set('to', to.value);
    json.setAttribute('href', `/staff/api/analytics?${p.toString()}`);
    const data = await ctx.api.get<{ from: string; to: string; rows: AnalyticsRow[] }>(
      `/analytics?${p.toString()}`,
    );
    if (!alive) return;
    out.replaceChildren(
      table(
        [
          t('analytics.col.lifeEvent'),
          t('analytics.col.lang'),
          t('analytics.col.conversations'),
          t('analytics.col.resolved'),
          t('analytics.col.abandoned'),
          t('analytics.col.fallback'),
          t('analytics.col.handedOver'),
          t('analytics.col.handoverRequests'),
          t('analytics.col.unanswered'),
          t('analytics.col.firstReply'),
          t('analytics.col.rating'),
          t('analytics.col.unrecognised'),
        ],
        data.rows.map((r) => [
          lifeEventName(r.lifeEvent),
          langName(r.lang),
          String(r.conversations),
          pct(r.resolutionRate),
          `${r.abandoned} (${pct(r.conversations ? r.abandoned / r.conversations : null)})`,
          pct(r.fallbackRate),
          pct(r.handoverRate),
          String(r.handoverRequests),
          String(r.unansweredHandoverRequests),
          r.firstHumanReplyMedianMs === null
            ? '—'
            : t('analytics.firstReplyValue', {
                median: duration(r.firstHumanReplyMedianMs),
                max: duration(r.firstHumanReplyMaxMs),
              }),
          r.averageRating === null ? '—' : `${r.averageRating.toFixed(1)} (${r.rated})`,
          h('ul', {}, ...r.unrecognised.map((u) => h('li', {}, `${u.text} (${u.count})`))),
        ]),
        t('analytics.caption', { from: data.from.slice(0, 10), to: data.to.slice(0, 10) }),
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
    h('h2', {}, t('training.title')),
    h('p', {}, t('training.explain')),
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
        t('training.yaml'),
      ),
      h(
        'a',
        {
          class: 'button secondary',
          href: '/staff/api/training-examples?format=jsonl',
          download: 'training-examples.jsonl',
        },
        t('training.jsonl'),
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
    { class: 'filters', 'aria-label': t('admin.deleteLabel') },
    field(t('admin.personalCode'), code),
    h('div', {}, h('button', { type: 'submit', class: 'danger' }, t('admin.deleteAll'))),
  );
  delForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!confirm(t('admin.deleteConfirm'))) return;
    ctx.api
      .del<{ deleted: number }>('/subjects', { personalCode: code.value.trim() })
      .then((r) => {
        code.value = '';
        ctx.status(t('admin.deleted', { n: r.deleted }));
      })
      .catch(ctx.error);
  });
  const retention = h('p');
  const purge = h('button', { type: 'button', class: 'secondary' }, t('admin.purge'));
  purge.addEventListener('click', () => {
    ctx.api
      .post<Record<string, number>>('/retention/purge')
      .then((r) =>
        ctx.status(
          t('admin.purged', {
            list: Object.entries(r)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          }),
        ),
      )
      .catch(ctx.error);
  });
  const audit = h('div');
  ctx.view.replaceChildren(
    h('h2', {}, t('admin.deleteTitle')),
    delForm,
    h('h2', {}, t('admin.retentionTitle')),
    retention,
    h('p', {}, purge),
    renderCanned(ctx),
    h('h2', {}, t('admin.auditTitle')),
    audit,
  );
  void ctx.api
    .get<{ retentionDays: number }>('/retention')
    .then((r) => (retention.textContent = t('admin.retention', { days: r.retentionDays })))
    .catch(ctx.error);
  void ctx.api
    .get<AuditEntry[]>('/audit?limit=200')
    .then((rows) =>
      audit.replaceChildren(
        table(
          [
            t('admin.col.when'),
            t('admin.col.who'),
            t('admin.col.what'),
            t('admin.col.target'),
            t('admin.col.detail'),
          ],
          rows.map((r) => [time(r.at), r.actor, r.action, r.target ?? '', r.detail ?? '']),
        ),
      ),
    )
    .catch(ctx.error);
}
