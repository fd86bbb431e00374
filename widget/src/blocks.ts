/**
 * Templates for the reply blocks of the protocol: quick replies, service cards, checklist,
 * status timeline, handover state and the feedback form. Every value from the server is
 * bound as text; links pass safeHref (https only) even though the schema checks them too.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type {
  Block,
  ChecklistItem,
  Lang,
  ServiceCard,
  ServiceState,
  StatusItem,
} from '../../src/protocol/frames.js';
import type { TextKey } from './i18n.js';
import { link, safeHref } from './rich-text.js';

export interface BlockContext {
  lang: Lang;
  t: (key: TextKey, vars?: Record<string, string | number>) => string;
  /** Seq of the reply that holds the blocks. */
  seq: number;
  /** Quick replies are offered on the latest reply only. */
  latest: boolean;
  feedbackDone: boolean;
  choose(optionId: string, label: string): void;
  feedback(seq: number, rating: number, comment: string): void;
}

export function renderBlock(block: Block, ctx: BlockContext): TemplateResult | typeof nothing {
  switch (block.type) {
    case 'options':
      if (!ctx.latest || block.options.length === 0) return nothing;
      return html`<div
        class="options"
        part="options"
        role="group"
        aria-label=${ctx.t('suggestions')}
      >
        ${block.options.map(
          (o) =>
            html`<button type="button" part="option" @click=${() => ctx.choose(o.id, o.label)}>
              ${o.label}
            </button>`,
        )}
      </div>`;
    case 'services':
      return html`<ul class="cards">
        ${block.services.map((s) => serviceCard(s, ctx))}
      </ul>`;
    case 'checklist':
      return html`<section class="checklist" part="checklist">
        <p class="block-title">${block.title}</p>
        <ol>
          ${block.items.map((item) => checklistItem(item, ctx))}
        </ol>
      </section>`;
    case 'status':
      return html`<section class="status" part="status">
        <p class="block-title">${block.title}</p>
        <ol class="timeline">
          ${block.items.map((item) => statusItem(item, ctx))}
        </ol>
      </section>`;
    case 'handover':
      return html`<p class="handover" part="handover" data-state=${block.state}>
        ${
          block.state === 'queued'
            ? block.position === undefined
              ? ctx.t('handover.queuedNoPosition')
              : ctx.t('handover.queued', { position: block.position })
            : ctx.t(`handover.${block.state}`)
        }
      </p>`;
    case 'feedback':
      return feedbackForm(ctx);
  }
}

function serviceCard(s: ServiceCard, ctx: BlockContext): TemplateResult {
  const href = safeHref(s.url);
  return html`<li class="card" part="service-card">
    <p class="card-name">${s.name}</p>
    <p class="badges">
      <span class="badge" data-kind=${s.kind} part="badge">${ctx.t(`service.kind.${s.kind}`)}</span>
      <span class="mode">${ctx.t(`service.mode.${s.mode}`)}</span>
    </p>
    <p class="meta">${ctx.t('service.provider')}: ${s.provider}</p>
    ${s.summary ? html`<p>${s.summary}</p>` : nothing}
    ${s.deadline ? html`<p class="meta">${ctx.t('service.deadline')}: ${s.deadline}</p>` : nothing}
    ${
      href
        ? link(
            href,
            html`${ctx.t('service.open')}<span class="sr-only">: ${s.name}</span>`,
            ctx.t('newTab'),
          )
        : nothing
    }
  </li>`;
}

function stateBadge(state: ServiceState | undefined, ctx: BlockContext) {
  return state
    ? html`<span class="state" data-state=${state}>${ctx.t(`state.${state}`)}</span>`
    : nothing;
}

function checklistItem(item: ChecklistItem, ctx: BlockContext): TemplateResult {
  const href = safeHref(item.url);
  const details = [
    item.provider,
    item.mode && ctx.t(`service.mode.${item.mode}`),
    item.deadline && `${ctx.t('service.deadline')}: ${item.deadline}`,
  ].filter(Boolean);
  return html`<li data-state=${item.state ?? 'not-started'}>
    <span class="item-text">${item.text}</span> ${stateBadge(item.state, ctx)}
    ${item.summary ? html`<span class="meta">${item.summary}</span>` : nothing}
    ${details.length ? html`<span class="meta">${details.join(' · ')}</span>` : nothing}
    ${href ? link(href, ctx.t('service.open'), ctx.t('newTab')) : nothing}
  </li>`;
}

function statusItem(item: StatusItem, ctx: BlockContext): TemplateResult {
  const href = safeHref(item.url);
  return html`<li data-state=${item.state}>
    <span class="item-text">${item.name}</span> ${stateBadge(item.state, ctx)}
    ${item.date ? html`<time class="meta" datetime=${item.date}>${formatDate(item.date, ctx.lang)}</time>` : nothing}
    ${
      item.nextStep
        ? html`<span class="meta">${ctx.t('nextStep')}: ${item.nextStep}</span>`
        : nothing
    }
    ${
      href
        ? link(
            href,
            html`${ctx.t('service.open')}<span class="sr-only">: ${item.name}</span>`,
            ctx.t('newTab'),
          )
        : nothing
    }
  </li>`;
}

function formatDate(iso: string, lang: Lang): string {
  const d = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(d.getTime())
    ? iso
    : new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

function feedbackForm(ctx: BlockContext): TemplateResult {
  if (ctx.feedbackDone)
    return html`<p class="thanks" part="feedback" tabindex="-1">${ctx.t('feedback.thanks')}</p>`;
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const rating = Number(data.get('rating'));
    if (rating >= 1 && rating <= 5)
      ctx.feedback(ctx.seq, rating, (data.get('comment') as string | null) ?? '');
  };
  const id = `fb${ctx.seq}`;
  return html`<form class="feedback" part="feedback" @submit=${submit}>
    <fieldset>
      <legend>${ctx.t('feedback.legend')}</legend>
      <div class="stars">
        ${[1, 2, 3, 4, 5].map(
          (n) =>
            html`<label
              ><input type="radio" name="rating" value=${n} required />${ctx.t('feedback.rating', {
                n,
              })}</label
            >`,
        )}
      </div>
    </fieldset>
    <label for=${id}>${ctx.t('feedback.comment')}</label>
    <textarea id=${id} name="comment" rows="2" maxlength="1000"></textarea>
    <button type="submit" part="feedback-button">${ctx.t('feedback.send')}</button>
  </form>`;
}
