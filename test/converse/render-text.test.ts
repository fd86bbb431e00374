import { describe, expect, it } from 'vitest';
import { itemDeadline, renderReply } from '../../src/converse/render-text.js';
import type { ChecklistItem, Lang, ReplyFrame } from '../../src/protocol/frames.js';

/** A plan with one item whose deadline is the municipality's dated fact, as the chat sends it. */
function plan(lang: Lang, item: ChecklistItem): ReplyFrame {
  return {
    type: 'reply',
    seq: 1,
    role: 'assistant',
    text: 'Plan',
    lang,
    blocks: [{ type: 'checklist', title: 'Plan', items: [item] }],
    ts: 0,
  };
}

const funeral = {
  et: 'Matusetoetuse taotlemiseks on aega 6 kuud alates surmapäevast (kehtib seisuga 1. detsember 2026).',
  ru: 'Срок подачи заявления на пособие на погребение — 6 месяцев со дня смерти (действует по состоянию на 1 декабря 2026 г.).',
  en: 'You can apply for the funeral grant within 6 months of the day of death (in force, checked 1 December 2026).',
} as const;
const name = { et: 'Matusetoetus', ru: 'Пособие на погребение', en: 'Funeral grant' } as const;

describe('renderReply (terminal chat)', () => {
  it.each(['et', 'ru', 'en'] as const)(
    'does not nest a dated deadline sentence in brackets in a plan line (%s, review 24 R24-9)',
    (lang) => {
      const text = renderReply(
        plan(lang, {
          serviceId: 'death-funeral-grant',
          text: name[lang],
          deadline: funeral[lang],
          url: 'https://www.tallinn.ee/Teenus-Matusetoetus',
        }),
        false,
      );
      expect(text).toContain(
        `   1. ${name[lang]}. ${funeral[lang]} https://www.tallinn.ee/Teenus-Matusetoetus`,
      );
      expect(text).not.toMatch(/\([^()]*\(/);
    },
  );

  it('keeps a deadline fragment in brackets after the name', () => {
    expect(itemDeadline('30 päeva jooksul pärast kolimist')).toBe(
      ' (30 päeva jooksul pärast kolimist)',
    );
    expect(itemDeadline(undefined)).toBe('');
  });
});
