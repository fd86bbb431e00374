/**
 * A reply as a text channel can show it. Pure: the same reply always gives the same message.
 *
 * - quick replies: suggested actions (buttons) where the channel has them, otherwise numbered
 *   lines and a hint that a number answers;
 * - service cards: a plain list, each with its provider, deadline and link;
 * - the plan (checklist) and a status: the reply's text already repeats them line by line
 *   after its lead paragraph (docs/protocol.md); each line gets its link;
 * - handover and feedback blocks: their text says it all.
 */
import { normalise } from '../dialog/match.js';
import { leadText } from '../protocol/lead-text.js';
import { LINE_DASH } from '../protocol/dash.js';
import { deadlineText } from '../protocol/deadline.js';
import type { Block, Lang, Option, ReplyFrame } from '../protocol/frames.js';
import { CHANNEL_TEXTS } from './texts.js';

export interface ChannelMessage {
  text: string;
  /** Button labels; a tap sends the label back as the person's message. */
  suggestedActions?: string[];
}

export interface RenderOptions {
  /** How many suggested actions the channel shows; more options than that are numbered. */
  suggestedActions: number;
  /** For the channel's own words when the reply does not say its language. */
  lang: Lang;
}

export function renderReply(
  reply: Pick<ReplyFrame, 'text' | 'blocks' | 'lang'>,
  options: RenderOptions,
): ChannelMessage {
  const lang = reply.lang ?? options.lang;
  const parts = [withLinks(reply)];
  let suggestedActions: string[] | undefined;
  for (const block of reply.blocks) {
    if (block.type === 'services') parts.push(servicesText(block, lang));
    if (block.type === 'options' && block.options.length > 0) {
      if (block.options.length <= options.suggestedActions)
        suggestedActions = block.options.map((o) => o.label);
      else parts.push(numbered(block.options, lang));
    }
  }
  const text = parts.filter((p) => p !== '').join('\n\n');
  return suggestedActions ? { text, suggestedActions } : { text };
}

/** The quick replies a reply offers (the last options block), for reading a typed answer. */
export function offeredOptions(reply: Pick<ReplyFrame, 'blocks'>): Option[] {
  const block = reply.blocks.findLast(
    (b): b is Extract<Block, { type: 'options' }> => b.type === 'options',
  );
  return block?.options ?? [];
}

export type TypedAnswer =
  | { type: 'choose'; optionId: string }
  | { type: 'no-such-number'; count: number }
  | { type: 'text' };

/**
 * What a typed message means while quick replies are on offer: "2", "2." or "2)" picks the
 * second; a button's label (what a tap sends) picks that one; anything else is free text,
 * which the dialog still understands ("jah", "не знаю").
 */
export function readTypedAnswer(text: string, offered: readonly Option[]): TypedAnswer {
  if (offered.length === 0) return { type: 'text' };
  const number = /^\s*(\d{1,3})\s*[.)]?\s*$/.exec(text);
  if (number) {
    const option = offered[Number(number[1]) - 1];
    return option
      ? { type: 'choose', optionId: option.id }
      : { type: 'no-such-number', count: offered.length };
  }
  const said = normalise(text);
  const option = offered.find((o) => normalise(o.label) === said);
  return option ? { type: 'choose', optionId: option.id } : { type: 'text' };
}

function numbered(options: readonly Option[], lang: Lang): string {
  const lines = options.map((o, i) => `${i + 1}. ${o.label}`);
  return `${lines.join('\n')}\n${CHANNEL_TEXTS.numberHint[lang]()}`;
}

function servicesText(block: Extract<Block, { type: 'services' }>, lang: Lang): string {
  return block.services
    .map((s) => {
      const lines = [`• ${s.name}${LINE_DASH[lang]}${s.provider}`];
      if (s.summary) lines.push(`  ${s.summary}`);
      if (s.deadline) lines.push(`  ${deadlineText(s.deadline, CHANNEL_TEXTS.deadline[lang])}`);
      lines.push(`  ${s.url}`);
      return lines.join('\n');
    })
    .join('\n');
}

/**
 * The text, with a link under each line of the plan or status it repeats. When the lines do
 * not match the items one to one, the links follow as a list of their own.
 */
function withLinks(reply: Pick<ReplyFrame, 'text' | 'blocks'>): string {
  const block = reply.blocks.find((b) => b.type === 'checklist' || b.type === 'status');
  if (!block) return reply.text;
  const items: { name: string; url?: string | undefined }[] =
    block.type === 'checklist'
      ? block.items.map((i) => ({ name: i.text, url: i.url }))
      : block.items.map((i) => ({ name: i.name, url: i.url }));
  if (!items.some((i) => i.url)) return reply.text;
  const lead = leadText(reply);
  const lines = reply.text.slice(lead.length).trim().split('\n');
  if (lines.length === items.length && lines.every((l, i) => l.includes(items[i]?.name ?? '\0'))) {
    const linked = lines.map((l, i) => (items[i]?.url ? `${l}\n   ${items[i].url}` : l));
    return `${lead}\n\n${linked.join('\n')}`;
  }
  const links = items.filter((i) => i.url).map((i) => `• ${i.name}: ${i.url}`);
  return `${reply.text}\n\n${links.join('\n')}`;
}
