/** What a text channel adds to the assistant's own words, in the person's language. */
import type { Lang } from '../protocol/frames.js';

export const CHANNEL_TEXTS = {
  numberHint: {
    et: () => 'Vasta numbriga või kirjuta oma sõnadega.',
    en: () => 'Answer with a number or in your own words.',
    ru: () => 'Ответьте номером или напишите своими словами.',
  },
  noSuchNumber: {
    et: (count: number) => `Vali number 1 kuni ${count} või kirjuta oma sõnadega.`,
    en: (count: number) => `Choose a number from 1 to ${count}, or write in your own words.`,
    ru: (count: number) => `Выберите номер от 1 до ${count} или напишите своими словами.`,
  },
  tooLong: {
    et: (max: number) => `Sõnum on liiga pikk. Kirjuta palun lühemalt (kuni ${max} märki).`,
    en: (max: number) => `That message is too long. Please keep it under ${max} characters.`,
    ru: (max: number) =>
      `Сообщение слишком длинное. Пожалуйста, напишите короче (до ${max} знаков).`,
  },
  notText: {
    et: () => 'Ma saan aru ainult tekstist. Kirjuta palun oma küsimus sõnadega.',
    en: () => 'I can only read text. Please write your question in words.',
    ru: () => 'Я понимаю только текст. Пожалуйста, напишите свой вопрос словами.',
  },
  rateLimited: {
    et: () => 'Sõnumeid tuleb liiga tihti. Oota palun hetk ja kirjuta siis uuesti.',
    en: () => 'That is a lot of messages at once. Please wait a moment and write again.',
    ru: () => 'Слишком много сообщений подряд. Пожалуйста, подождите немного и напишите снова.',
  },
  failed: {
    et: () => 'Midagi läks meil valesti. Proovi palun natukese aja pärast uuesti.',
    en: () => 'Something went wrong on our side. Please try again in a little while.',
    ru: () => 'У нас что-то пошло не так. Пожалуйста, попробуйте ещё раз чуть позже.',
  },
  deadline: {
    et: (text: string) => `Tähtaeg: ${text}`,
    en: (text: string) => `Deadline: ${text}`,
    ru: (text: string) => `Срок: ${text}`,
  },
} satisfies Record<string, Record<Lang, (...args: never[]) => string>>;
