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
import { deadlineText, isDeadlineSentence } from '../../src/protocol/deadline.js';
import { LINE_DASH } from '../../src/protocol/dash.js';
import { planMarker, type PlanMarker } from '../../src/protocol/marker.js';

export interface BlockContext {
  lang: Lang;
  t: (key: TextKey, vars?: Record<string, string | number>) => string;
  /** Seq of the reply that holds the blocks. */
  seq: number;
  /** Quick replies are offered while nothing has been said after them. */
  offerOptions: boolean;
  /** Forms (feedback, contact) on the latest reply only. */
  latest: boolean;
  feedbackDone: boolean;
  choose(optionId: string, label: string): void;
  feedback(seq: number, rating: number, comment: string): void;
  /** Sends a message (the contact form outside office hours). */
  send(text: string): void;
  /** The host page's sign-in: the element emits life-event-chat:sign-in. */
  signIn(): void;
  /** Absolute URL of /plan/{id} on the chat server. */
  planUrl(id: string): string;
  /** The conversation's plan page, when the server has given its address. */
  planHref: string | undefined;
  /** Prints one plan; copies one plan as text. */
  print(seq: number): void;
  copy(seq: number, text: string): void;
  /** The result of the last copy of this plan, said in the status line beside the buttons. */
  copied: string;
}

export function renderBlock(block: Block, ctx: BlockContext): TemplateResult | typeof nothing {
  switch (block.type) {
    case 'options':
      if (!ctx.offerOptions || block.options.length === 0) return nothing;
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
      return plan(block, ctx);
    case 'status':
      return html`<section class="status" part="status">
        <p class="block-title">${block.title}</p>
        <ol class="timeline">
          ${block.items.map((item) => statusItem(item, ctx))}
        </ol>
      </section>`;
    case 'handover':
      // The reply's text is the notice (one per event); outside office hours the contact form.
      return block.state === 'unavailable' && ctx.latest ? contactForm(ctx) : nothing;
    case 'feedback':
      return feedbackForm(ctx);
    case 'sign-in':
      return html`<button type="button" class="sign-in" part="sign-in" @click=${() => ctx.signIn()}>
        ${ctx.t('signIn')}
      </button>`;
  }
}

function serviceCard(s: ServiceCard, ctx: BlockContext): TemplateResult {
  const href = safeHref(s.url);
  return html`<li class="card" part="service-card">
    <p class="card-name">${s.name}</p>
    <p class="badges">
      <span class="badge" data-kind=${s.kind} part="badge">${ctx.t(`service.kind.${s.kind}`)}</span>
      <span class="mode">${ctx.t(`service.mode.${planMarker(s)}`)}</span>
    </p>
    <p class="meta">${ctx.t('service.provider')}: ${s.provider}</p>
    ${s.deadline ? html`<p class="meta">${deadlineLabelled(s.deadline, ctx)}</p>` : nothing}
    ${s.summary ? html`<p>${s.summary}</p>` : nothing}
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

type Checklist = Extract<Block, { type: 'checklist' }>;

/** The first thing to do: the first step the person does themselves, not yet done. */
function firstStep(items: ChecklistItem[]): ChecklistItem | undefined {
  const open = items.filter((i) => i.state !== 'done');
  return open.find((i) => i.mode !== 'automatic') ?? open[0];
}

/**
 * A deadline short enough for the one line ("within 30 days"); longer ones, and deadlines
 * written as a sentence of their own, go in the details (src/protocol/deadline.ts).
 */
const SHORT_DEADLINE = 40;

function shortDeadline(item: ChecklistItem): string | undefined {
  const d = item.deadline;
  return d && d.length <= SHORT_DEADLINE && !isDeadlineSentence(d) ? d : undefined;
}

/** A deadline with its label, or a sentence deadline as it is. */
function deadlineLabelled(deadline: string, ctx: BlockContext): string {
  return deadlineText(deadline, (d) => `${ctx.t('service.deadline')}: ${d}`);
}

function oneLine(item: ChecklistItem, ctx: BlockContext): string {
  const short = shortDeadline(item);
  const deadline = short ? ctx.t('plan.by', { deadline: short }) : undefined;
  return [item.provider, deadline].filter(Boolean).join(' · ');
}

/** The plan in plain text, for "copy as text". */
export function planText(block: Checklist, ctx: BlockContext): string {
  const first = firstStep(block.items);
  const lines = [block.title];
  if (first) lines.push(ctx.t('plan.first', { item: first.text }));
  block.items.forEach((item, i) => {
    const mode = item.mode ? ` [${ctx.t(`service.mode.${planMarker(item)}`)}]` : '';
    const deadline = item.deadline ? deadlineLabelled(item.deadline, ctx) : undefined;
    const line = [item.provider, deadline].filter(Boolean).join(' · ');
    lines.push(`${i + 1}. ${item.text}${mode}${line ? `${LINE_DASH[ctx.lang]}${line}` : ''}`);
    if (item.summary) lines.push(`   ${item.summary}`);
    const href = safeHref(item.url);
    if (href) lines.push(`   ${href}`);
  });
  return lines.join('\n');
}

function plan(block: Checklist, ctx: BlockContext): TemplateResult {
  const first = firstStep(block.items);
  return html`<section class="checklist" part="checklist" data-plan=${ctx.seq}>
    <p class="block-title">${block.title}</p>
    ${first ? html`<p class="first">${ctx.t('plan.first', { item: first.text })}</p>` : nothing}
    <ol>
      ${block.items.map((item) => planItem(item, ctx))}
    </ol>
    <div class="plan-actions" role="group" aria-label=${ctx.t('plan.actions')}>
      <button type="button" @click=${() => ctx.print(ctx.seq)}>${ctx.t('plan.print')}</button>
      <button type="button" @click=${() => ctx.copy(ctx.seq, planText(block, ctx))}>
        ${ctx.t('plan.copy')}
      </button>
      ${
        block.planId || ctx.planHref
          ? link(
              block.planId ? ctx.planUrl(block.planId) : (ctx.planHref ?? ''),
              ctx.t('plan.page'),
              ctx.t('newTab'),
            )
          : nothing
      }
      <span role="status">${ctx.copied}</span>
    </div>
  </section>`;
}

/** The markers differ in symbol and shape (styles.ts), not only in colour. */
const SYMBOL: Record<PlanMarker, string> = {
  automatic: '✓',
  proactive: '☑',
  application: '✎',
  optional: '+', // ASCII: the full-width plus had no glyph in common fonts (a box in Chromium on Linux)
};

function planItem(item: ChecklistItem, ctx: BlockContext): TemplateResult {
  const href = safeHref(item.url);
  const line = oneLine(item, ctx);
  const mode = planMarker(item);
  const longDeadline = item.deadline && !shortDeadline(item) ? item.deadline : undefined;
  const head = html`<span class="mark" data-mode=${mode}
      ><span aria-hidden="true">${SYMBOL[mode]} </span>${ctx.t(`service.mode.${mode}`)}</span
    >
    <span class="item-text">${item.text}</span>${stateBadge(item.state, ctx)}
    ${line ? html`<span class="meta">${line}</span>` : nothing}`;
  return html`<li data-state=${item.state ?? 'not-started'}>
    ${
      item.summary || href || longDeadline
        ? html`<details>
            <summary>${head}</summary>
            ${longDeadline ? html`<p>${deadlineLabelled(longDeadline, ctx)}</p>` : nothing}
            ${item.summary ? html`<p>${item.summary}</p>` : nothing}
            ${
              href
                ? link(
                    href,
                    html`${ctx.t('service.open')}<span class="sr-only">: ${item.text}</span>`,
                    ctx.t('newTab'),
                  )
                : nothing
            }
          </details>`
        : html`<div class="summary">${head}</div>`
    }
  </li>`;
}

function contactForm(ctx: BlockContext): TemplateResult {
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const field = (name: string) => {
      const v = data.get(name);
      return typeof v === 'string' ? v.trim() : '';
    };
    const contact = field('contact');
    const question = field('question');
    if (contact && question) ctx.send(`${contact}\n${question}`);
  };
  const id = `ct${ctx.seq}`;
  return html`<form class="feedback contact" part="contact" @submit=${submit}>
    <p class="block-title">${ctx.t('contact.legend')}</p>
    <label for="${id}c">${ctx.t('contact.contact')}</label>
    <input id="${id}c" name="contact" required maxlength="200" autocomplete="email" />
    <label for="${id}q">${ctx.t('contact.question')}</label>
    <textarea id="${id}q" name="question" rows="3" required maxlength="1500"></textarea>
    <button type="submit">${ctx.t('contact.send')}</button>
  </form>`;
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
