/** Admin: the agents' canned replies per language — add, edit, delete (stored on the server). */
import type { Ctx } from './context.js';
import { field, h, select, table } from './dom.js';
import { langName, t, time } from './i18n.js';

interface CannedReply {
  id: string;
  label: string;
  text: string;
  updatedAt: number;
  updatedBy: string | null;
}
type ByLang = Partial<Record<string, CannedReply[]>>;

const LANGS = ['et', 'en', 'ru'] as const;
/** The server's rule for ids (src/staff/staff-locales.ts). */
const ID_PATTERN = '[a-z][a-z0-9\\-]{0,40}';

export function renderCanned(ctx: Ctx): HTMLElement {
  const lang = select(
    'canned-lang',
    LANGS.map((l) => [l, langName(l)]),
  );
  lang.id = 'canned-lang';
  const list = h('div', { id: 'canned-list' });
  const id = h('input', {
    name: 'canned-id',
    required: true,
    pattern: ID_PATTERN,
    maxlength: '41',
    autocomplete: 'off',
    'aria-describedby': 'canned-id-hint',
  });
  const label = h('input', { name: 'canned-label', required: true, maxlength: '60' });
  const text = h('textarea', { name: 'canned-text', required: true, maxlength: '2000', rows: '4' });
  const heading = h('h3', { id: 'canned-form-title' }, t('admin.canned.addTitle'));
  const reset = h('button', { type: 'button', class: 'secondary' }, t('admin.canned.new'));
  const form = h(
    'form',
    { class: 'canned-form', 'aria-labelledby': 'canned-form-title' },
    heading,
    field(t('admin.canned.id'), id),
    h('p', { id: 'canned-id-hint', class: 'meta' }, t('admin.canned.idHint')),
    field(t('admin.canned.label'), label),
    field(t('admin.canned.text'), text),
    h('p', { class: 'row' }, h('button', { type: 'submit' }, t('admin.canned.save')), reset),
  );
  const section = h(
    'section',
    { 'aria-labelledby': 'canned-title' },
    h('h2', { id: 'canned-title' }, t('admin.canned.title')),
    h('p', {}, t('admin.canned.explain')),
    h('div', { class: 'canned-lang' }, field(t('admin.canned.lang'), lang)),
    list,
    form,
  );

  let all: ByLang = {};
  let alive = true;
  ctx.onLeave(() => (alive = false));

  const startNew = () => {
    form.reset();
    id.readOnly = false;
    heading.textContent = t('admin.canned.addTitle');
  };
  reset.addEventListener('click', () => {
    startNew();
    id.focus();
  });

  const edit = (c: CannedReply) => {
    id.value = c.id;
    id.readOnly = true;
    label.value = c.label;
    text.value = c.text;
    heading.textContent = t('admin.canned.editTitle', { label: c.label });
    label.focus();
  };

  const render = () => {
    const replies = all[lang.value] ?? [];
    list.replaceChildren(
      replies.length === 0
        ? h('p', {}, t('admin.canned.none'))
        : table(
            [
              t('admin.canned.col.label'),
              t('admin.canned.col.text'),
              t('admin.canned.col.changed'),
              t('common.action'),
            ],
            replies.map((c) => {
              const editBtn = h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': t('admin.canned.editLabel', { label: c.label }),
                },
                t('admin.canned.edit'),
              );
              editBtn.addEventListener('click', () => edit(c));
              const delBtn = h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  'aria-label': t('admin.canned.deleteLabel', { label: c.label }),
                },
                t('admin.canned.delete'),
              );
              delBtn.addEventListener('click', () => {
                if (!confirm(t('admin.canned.deleteConfirm', { label: c.label }))) return;
                ctx.api
                  .del(
                    `/canned-replies/${encodeURIComponent(lang.value)}/${encodeURIComponent(c.id)}`,
                  )
                  .then(async () => {
                    ctx.status(t('admin.canned.deleted', { label: c.label }));
                    await load();
                  })
                  .catch(ctx.error);
              });
              return [
                c.label,
                h('span', { class: 'canned-text' }, c.text),
                c.updatedBy
                  ? t('admin.canned.changedBy', { who: c.updatedBy, when: time(c.updatedAt) })
                  : t('admin.canned.fromFile'),
                h('span', { class: 'row' }, editBtn, delBtn),
              ];
            }),
            t('admin.canned.caption', { lang: langName(lang.value), n: replies.length }),
          ),
    );
  };

  const load = async () => {
    const data = await ctx.api.get<ByLang>('/canned-replies');
    if (!alive) return;
    all = data;
    render();
  };

  lang.addEventListener('change', () => {
    startNew();
    render();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const path = `/canned-replies/${encodeURIComponent(lang.value)}/${encodeURIComponent(id.value.trim())}`;
    ctx.api
      .put(path, { label: label.value, text: text.value })
      .then(async () => {
        ctx.error(null);
        ctx.status(t('admin.canned.saved', { label: label.value.trim() }));
        startNew();
        await load();
      })
      .catch(ctx.error);
  });
  void load().catch(ctx.error);
  return section;
}
