/** What the citizen is told about the live handover, in their language. */
import type { Lang } from '../protocol/frames.js';

export const HANDOVER_TEXTS = {
  queued: {
    et: (n: number) => `Ühendan sind teenindajaga. Oled järjekorras ${n}.`,
    en: (n: number) => `I am connecting you to a person. You are number ${n} in the queue.`,
    ru: (n: number) => `Соединяю вас со специалистом. Ваш номер в очереди: ${n}.`,
  },
  unavailable: {
    et: (hours: string) =>
      `Teenindajad on kättesaadavad ${hours}. Praegu pole kedagi vaba. Kui soovid, et sinuga ühendust võetaks, kirjuta järgmisse sõnumisse oma e-post või telefon ja küsimus.`,
    en: (hours: string) =>
      `Our staff answer ${hours}. Nobody is available right now. If you would like us to contact you, write your e-mail or phone number and your question in your next message.`,
    ru: (hours: string) =>
      `Специалисты работают ${hours}. Сейчас никого нет. Если хотите, чтобы с вами связались, напишите в следующем сообщении свой e-mail или телефон и вопрос.`,
  },
  contactSaved: {
    et: () => 'Aitäh! Edastasin sinu kontaktid ja küsimuse, teenindaja võtab sinuga ühendust.',
    en: () =>
      'Thank you! I passed on your contact details and question; a person will contact you.',
    ru: () => 'Спасибо! Я передал ваши контакты и вопрос, с вами свяжутся.',
  },
  connected: {
    et: () => 'Teenindaja liitus vestlusega.',
    en: () => 'A member of staff has joined the conversation.',
    ru: () => 'Специалист подключился к разговору.',
  },
  handedBack: {
    et: () => 'Teenindaja lahkus vestlusest. Jätkab abiline — küsi julgelt edasi.',
    en: () => 'The member of staff has left. The assistant is back — feel free to ask more.',
    ru: () => 'Специалист вышел из разговора. Дальше снова помощник — спрашивайте.',
  },
  ended: {
    et: () => 'Teenindaja lõpetas vestluse. Aitäh!',
    en: () => 'The member of staff has ended the conversation. Thank you!',
    ru: () => 'Специалист завершил разговор. Спасибо!',
  },
} satisfies Record<string, Record<Lang, (...args: never[]) => string>>;
