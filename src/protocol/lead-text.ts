import type { ReplyFrame } from './frames.js';

/**
 * What a rich client shows of a reply's text. With a checklist or status block, the text
 * after its first paragraph repeats the block in plain form for text-only channels
 * (docs/protocol.md), so only the lead paragraph is shown beside the block.
 */
export function leadText(reply: Pick<ReplyFrame, 'text' | 'blocks'>): string {
  const rich = reply.blocks.some((b) => b.type === 'checklist' || b.type === 'status');
  return rich ? (reply.text.split('\n\n')[0] ?? reply.text) : reply.text;
}
