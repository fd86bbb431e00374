/**
 * What the citizen is told about the live handover, in their language: one notice per event
 * (the widget shows the text and renders the block only as a form where one is needed).
 * Estonian addresses the person with "sina".
 */
import type { Lang } from '../protocol/frames.js';

/** Office hours for the "unavailable" notice, already in words in the person's language. */
export interface OfficeWhen {
  /** "tööpäeviti 9–17"; absent when staff never answer in this chat. */
  hours?: string | undefined;
  /** When staff are back: "homme kell 9". */
  back?: string | undefined;
}

export const HANDOVER_TEXTS = {
  // The assistant has just said it is looking for a person („Vaatan, kas klienditeenindaja saab
  // vestlusega liituda.“), true whether the desk is open or not (it said „Kutsun…“ before the
  // „no one answers now“ that followed when closed):
  // the queue says only what is new, also when the position changes (review 18 ET-13, RU-14).
  queued: {
    et: (n: number) => `Sinu koht järjekorras: ${n}.`,
    en: (n: number) => `You are number ${n} in the queue.`,
    ru: (n: number) => `Ваше место в очереди: ${n}.`,
  },
  unavailable: {
    et: ({ hours, back }: OfficeWhen) =>
      [
        hours
          ? `Klienditeenindajad vastavad ${hours}. Praegu pole kedagi vaba${back ? `, tagasi oleme ${back}` : ''}.`
          : 'Selles vestluses klienditeenindajad praegu ei vasta.',
        'Kui soovid, et võtaksime sinuga ühendust, jäta oma e-post või telefon ja küsimus: kirjuta need järgmisse sõnumisse.',
      ].join(' '),
    en: ({ hours, back }: OfficeWhen) =>
      [
        hours
          ? `Our staff answer ${hours}. Nobody is available right now${back ? `; we are back ${back}` : ''}.`
          : 'Our staff do not answer in this chat at the moment.',
        'If you would like us to contact you, leave your e-mail or phone number and your question: write them in your next message.',
      ].join(' '),
    ru: ({ hours, back }: OfficeWhen) =>
      [
        hours
          ? `Сотрудники службы поддержки отвечают ${hours}. Сейчас свободных сотрудников нет${back ? `, мы вернёмся ${back}` : ''}.`
          : 'Сейчас сотрудники службы поддержки в этом чате не отвечают.',
        'Если хотите, чтобы мы с вами связались, оставьте адрес электронной почты или телефон и свой вопрос: напишите их в следующем сообщении.',
      ].join(' '),
  },
  contactSaved: {
    et: () =>
      'Aitäh! Edastasin sinu kontaktandmed ja küsimuse, klienditeenindaja võtab sinuga ühendust.',
    en: () =>
      'Thank you! I passed on your contact details and question; a member of staff will contact you.',
    ru: () =>
      'Спасибо! Я передал ваши контакты и вопрос, сотрудник службы поддержки с вами свяжется.',
  },
  connected: {
    et: () => 'Klienditeenindaja liitus vestlusega.',
    en: () => 'A member of staff has joined the conversation.',
    ru: () => 'Сотрудник службы поддержки присоединился к разговору.',
  },
  handedBack: {
    et: () => 'Klienditeenindaja lahkus vestlusest. Edasi aitab jälle abiline – küsi julgelt.',
    en: () => 'The member of staff has left. The assistant is back — feel free to ask more.',
    ru: () =>
      'Сотрудник службы поддержки вышел из разговора. Дальше с вами снова помощник — спрашивайте.',
  },
  ended: {
    et: () => 'Klienditeenindaja lõpetas vestluse. Aitäh!',
    en: () => 'The member of staff has ended the conversation. Thank you!',
    ru: () => 'Сотрудник службы поддержки завершил разговор. Спасибо!',
  },
} satisfies Record<string, Record<Lang, (...args: never[]) => string>>;
