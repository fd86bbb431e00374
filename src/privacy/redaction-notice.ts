/**
 * When a person writes a personal code, a payment card or a bank account number, they are told
 * that it was removed from the record of the conversation (transcripts are redacted with
 * redact.ts before they are stored) and that the assistant never needs it. Pure; the chat
 * service says it as a system reply right after the message (its `noticeFor` option).
 */
import type { Lang } from '../protocol/frames.js';
import { redact, type RedactionKind } from './redact.js';

/** The kinds worth a notice: numbers nobody should type into a chat. */
export const NOTICE_KINDS = ['personal-code', 'card', 'iban'] as const satisfies RedactionKind[];
type NoticeKind = (typeof NOTICE_KINDS)[number];

const NAMES: Record<Lang, Record<NoticeKind, string>> = {
  // Partitive: "Sinu sõnumis oli isikukood" reads worse than "sisaldas isikukoodi".
  et: { 'personal-code': 'isikukoodi', card: 'pangakaardi numbrit', iban: 'kontonumbrit' },
  en: {
    'personal-code': 'a personal identification code',
    card: 'a payment card number',
    iban: 'a bank account number',
  },
  ru: { 'personal-code': 'личный код', card: 'номер банковской карты', iban: 'номер счёта' },
};

const AND: Record<Lang, string> = { et: 'ja', en: 'and', ru: 'и' };

function list(items: string[], lang: Lang): string {
  return items.length < 2
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} ${AND[lang]} ${items.at(-1) ?? ''}`;
}

/** The notice for a message, or undefined when it holds nothing of NOTICE_KINDS. */
export function redactionNotice(text: string, lang: Lang): string | undefined {
  const kinds = redact(text).found.filter((k): k is NoticeKind =>
    (NOTICE_KINDS as readonly string[]).includes(k),
  );
  if (kinds.length === 0) return undefined;
  const what = list(
    kinds.map((k) => NAMES[lang][k]),
    lang,
  );
  const many = kinds.length > 1;
  switch (lang) {
    case 'et':
      return `Sinu sõnum sisaldas ${what}. Eemaldasin ${many ? 'need' : 'selle'} vestluse salvestusest: abiline ei vaja ${many ? 'neid' : 'seda'} kunagi, nii et ära ${many ? 'neid' : 'seda'} siia kirjuta.`;
    case 'en':
      return `Your message contained ${what}. I removed ${many ? 'them' : 'it'} from the record of this conversation: the assistant never needs ${many ? 'them' : 'it'}, so please do not write ${many ? 'them' : 'it'} here.`;
    case 'ru':
      return `В вашем сообщении ${many ? 'были' : 'был'} ${what}. Я удалил ${many ? 'их' : 'его'} из записи разговора: помощнику ${many ? 'они никогда не нужны' : 'он никогда не нужен'}, поэтому, пожалуйста, не пишите ${many ? 'их' : 'его'} здесь.`;
  }
}
