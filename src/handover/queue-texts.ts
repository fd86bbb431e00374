/**
 * What a person waiting in the live queue is told about leaving it and about the wait, in
 * their language (Estonian addresses the person as "sina"). The words that leave the queue
 * are data too: a message that is one of them (or starts with one) leaves the queue.
 */
import type { Lang } from '../protocol/frames.js';

export const QUEUE_TEXTS = {
  wait: {
    et: (minutes: number) =>
      minutes <= 1 ? 'Ootad umbes minuti.' : `Ootad umbes ${minutes} minutit.`,
    en: (minutes: number) =>
      minutes <= 1 ? 'The wait is about a minute.' : `The wait is about ${minutes} minutes.`,
    ru: (minutes: number) =>
      minutes <= 1 ? 'Ждать примерно минуту.' : `Ждать примерно ${minutes} ${minutesRu(minutes)}.`,
  },
  leaveButton: {
    et: () => 'Lahku järjekorrast',
    en: () => 'Leave the queue',
    ru: () => 'Выйти из очереди',
  },
  left: {
    et: () => 'Lahkusid järjekorrast. Küsi julgelt edasi, vastan ise.',
    en: () => 'You have left the queue. Ask me anything else.',
    ru: () => 'Вы вышли из очереди. Спрашивайте, я отвечу.',
  },
  leftAway: {
    et: () =>
      'Sind ei olnud enam vestluses, nii et võtsin sind järjekorrast välja. Kui soovid siiski inimesega rääkida, kirjuta „klienditeenindaja“.',
    en: () =>
      'You were away, so I took you out of the queue. If you still want to talk to a person, write “person”.',
    ru: () =>
      'Вас не было в чате, поэтому я убрал вас из очереди. Если всё ещё хотите поговорить с сотрудником службы поддержки, напишите «поговорить с человеком».',
  },
} satisfies Record<string, Record<Lang, (...args: never[]) => string>>;

/** «Минута» as the object of «ждать»: accusative (1, 21 → «минуту», 2–4 → «минуты»). */
function minutesRu(n: number): string {
  const d = n % 10;
  const dd = n % 100;
  if (d === 1 && dd !== 11) return 'минуту';
  if (d >= 2 && d <= 4 && (dd < 12 || dd > 14)) return 'минуты';
  return 'минут';
}

/** Words that leave the queue, in every language (a person may write in any of them). */
export const LEAVE_WORDS = [
  // et
  'tühista',
  'tühistan',
  'katkesta',
  'loobun',
  'lahku',
  'lahkun',
  'ei soovi enam',
  'ei ole vaja',
  'pole vaja',
  'unusta',
  // en
  'cancel',
  'never mind',
  'nevermind',
  'leave the queue',
  'leave queue',
  'stop waiting',
  'forget it',
  'no thanks',
  // ru
  'отмена',
  'отменить',
  'отмени',
  'выйти из очереди',
  'не надо',
  'не нужно',
  'передумал',
  'передумала',
] as const;

/** The button's option id. */
export const LEAVE_OPTION = 'handover:leave';

const normalise = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const NORMALISED = LEAVE_WORDS.map(normalise);

/** True when the message asks to leave the queue: it is, or starts with, one of the words. */
export function asksToLeave(text: string): boolean {
  const t = normalise(text);
  return NORMALISED.some((w) => t === w || t.startsWith(`${w} `));
}
