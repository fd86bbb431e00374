/** Renders reply frames as plain terminal text (for the terminal chat). */
import type { Block, ReplyFrame } from '../protocol/frames.js';
import { leadText } from '../protocol/lead-text.js';
import { isDeadlineSentence } from '../protocol/deadline.js';

const STATE_MARK: Record<string, string> = {
  done: '✓',
  'in-progress': '…',
  'action-needed': '!',
  'not-started': '·',
  offered: '★',
};

/**
 * A plan item's deadline after its name: a fragment in brackets („(30 päeva jooksul)“), a
 * sentence as a sentence of its own after the name. A sentence may end in its own date in
 * brackets („… (kehtib seisuga 1. detsember 2026).“), which another pair around it would nest
 * (review 24 R24-9); a dash before it would meet the dash of a Russian sentence («Срок … — 6
 * месяцев»).
 */
export function itemDeadline(deadline: string | undefined): string {
  if (!deadline) return '';
  return isDeadlineSentence(deadline) ? `. ${deadline}` : ` (${deadline})`;
}

function block(b: Block): string[] {
  switch (b.type) {
    case 'options':
      return b.options.map((o, i) => `  ${i + 1}) ${o.label}`);
    case 'services':
      return b.services.flatMap((s) => [
        `  ▸ ${s.name} — ${s.provider} [${s.kind}, ${s.mode}]`,
        ...(s.deadline ? [`    ${s.deadline}`] : []),
        `    ${s.url}`,
      ]);
    case 'checklist':
      return [
        `  ${b.title}`,
        ...b.items.map(
          (item, i) =>
            `   ${i + 1}. ${item.text}${itemDeadline(item.deadline)}${item.url ? ` ${item.url}` : ''}`,
        ),
      ];
    case 'status':
      return [
        `  ${b.title}`,
        ...b.items.map(
          (i) =>
            `   ${STATE_MARK[i.state] ?? '-'} ${i.name}${i.date ? ` (${i.date})` : ''}${i.nextStep ? ` — ${i.nextStep}` : ''}`,
        ),
      ];
    case 'handover':
      return [
        `  [handover: ${b.state}${b.position !== undefined ? `, position ${b.position}` : ''}]`,
      ];
    case 'feedback':
      return ['  (rate this conversation: /rate 1-5)'];
    case 'sign-in':
      return ['  (signing in would show your own status)'];
  }
}

export function renderReply(reply: ReplyFrame, debug: boolean): string {
  const who = reply.role === 'assistant' ? 'bot' : reply.role;
  const lines = [`${who}> ${leadText(reply)}`, ...reply.blocks.flatMap(block)];
  if (debug && reply.meta) {
    const m = reply.meta;
    lines.push(
      `  [debug] lang=${m.lang ?? '-'} intent=${m.intent ?? '-'} confidence=${m.confidence ?? '-'} lifeEvent=${m.lifeEvent ?? '-'} node=${m.node ?? '-'}${m.answered ? ` answered=${m.answered}` : ''}`,
    );
  }
  return lines.join('\n');
}
