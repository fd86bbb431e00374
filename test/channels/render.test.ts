import { describe, expect, it } from 'vitest';
import { langOf } from '../../src/channels/gateway.js';
import { readTypedAnswer, renderReply } from '../../src/channels/render.js';
import type { ReplyFrame } from '../../src/protocol/frames.js';

const yesNo = [
  { id: 'yes', label: 'Jah' },
  { id: 'no', label: 'Ei' },
];
const question: Pick<ReplyFrame, 'text' | 'blocks' | 'lang'> = {
  text: 'Kas olete mõlemad vähemalt 18-aastased?',
  lang: 'et',
  blocks: [{ type: 'options', options: yesNo }],
};

describe('renderReply', () => {
  it('numbers the quick replies where the channel has no buttons', () => {
    expect(renderReply(question, { suggestedActions: 0, lang: 'et' })).toEqual({
      text: 'Kas olete mõlemad vähemalt 18-aastased?\n\n1. Jah\n2. Ei\nVasta numbriga või kirjuta oma sõnadega.',
    });
  });

  it('gives them as suggested actions where it has, and numbers them when there are too many', () => {
    expect(renderReply(question, { suggestedActions: 10, lang: 'et' })).toEqual({
      text: question.text,
      suggestedActions: ['Jah', 'Ei'],
    });
    expect(renderReply(question, { suggestedActions: 1, lang: 'et' }).text).toContain('2. Ei');
  });

  it('writes the hint in the reply’s language', () => {
    const ru = {
      ...question,
      lang: 'ru' as const,
      blocks: [{ type: 'options' as const, options: [{ id: 'yes', label: 'Да' }] }],
    };
    expect(renderReply(ru, { suggestedActions: 0, lang: 'et' }).text).toContain(
      'Ответьте номером или напишите своими словами.',
    );
  });

  it('lists service cards as plain text with provider, deadline and link', () => {
    const reply: Pick<ReplyFrame, 'text' | 'blocks' | 'lang'> = {
      text: 'Services',
      lang: 'en',
      blocks: [
        {
          type: 'services',
          services: [
            {
              id: 'marriage-registration',
              name: 'Marriage application',
              provider: 'Local government',
              kind: 'core',
              mode: 'application',
              summary: 'You apply together.',
              deadline: '1–6 months ahead',
              url: 'https://www.eesti.ee/en/family',
            },
          ],
        },
      ],
    };
    expect(renderReply(reply, { suggestedActions: 0, lang: 'et' }).text).toBe(
      'Services\n\n• Marriage application — Local government\n  You apply together.\n  Deadline: 1–6 months ahead\n  https://www.eesti.ee/en/family',
    );
    // ET-3 (review 15): Estonian writes the dash between name and provider as an en dash.
    const et = renderReply({ ...reply, lang: 'et' }, { suggestedActions: 0, lang: 'et' }).text;
    expect(et).toContain('• Marriage application – Local government\n');
    expect(et).not.toContain(' — ');
  });

  it('puts each status line’s link under it', () => {
    const reply: Pick<ReplyFrame, 'text' | 'blocks' | 'lang'> = {
      text: 'You have 2 services.\n\nParental benefit: in progress\nBirth registration: done',
      lang: 'en',
      blocks: [
        {
          type: 'status',
          title: 'Your status',
          items: [
            {
              serviceId: 'a',
              name: 'Parental benefit',
              state: 'in-progress',
              url: 'https://www.sotsiaalkindlustusamet.ee/en',
            },
            { serviceId: 'b', name: 'Birth registration', state: 'done' },
          ],
        },
      ],
    };
    expect(renderReply(reply, { suggestedActions: 0, lang: 'en' }).text).toBe(
      'You have 2 services.\n\nParental benefit: in progress\n   https://www.sotsiaalkindlustusamet.ee/en\nBirth registration: done',
    );
  });
});

describe('readTypedAnswer', () => {
  it('takes a number, with or without a dot or bracket, as the option of that number', () => {
    for (const typed of ['2', ' 2. ', '2)'])
      expect(readTypedAnswer(typed, yesNo)).toEqual({ type: 'choose', optionId: 'no' });
  });

  it('takes a button’s label as that option, whatever its case', () => {
    expect(readTypedAnswer('jah', yesNo)).toEqual({ type: 'choose', optionId: 'yes' });
  });

  it('says when the number is not on offer, and leaves other text and numbers without an offer alone', () => {
    expect(readTypedAnswer('3', yesNo)).toEqual({ type: 'no-such-number', count: 2 });
    expect(readTypedAnswer('0', yesNo)).toEqual({ type: 'no-such-number', count: 2 });
    expect(readTypedAnswer('2 last', yesNo)).toEqual({ type: 'text' });
    expect(readTypedAnswer('2', [])).toEqual({ type: 'text' });
  });
});

describe('langOf', () => {
  it('reads the platform’s locale, falling back to Estonian', () => {
    expect(langOf('ru-RU')).toBe('ru');
    expect(langOf('en-US')).toBe('en');
    expect(langOf('ET')).toBe('et');
    expect(langOf('fi-FI')).toBe('et');
    expect(langOf(undefined)).toBe('et');
  });
});
