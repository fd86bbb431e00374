/**
 * What a question only supposes is no answer about the person (review 24 R24-16, -22, -36): the
 * question and its condition are left out of what the extractors read; a statement beside a
 * question is kept.
 */
import { describe, expect, it } from 'vitest';
import { Understanding } from '../../src/dialog/understand.js';
import { realBundle } from './helpers.js';

describe('question form', () => {
  const u = new Understanding(realBundle().resources);

  it('takes a question for a question, in every language', () => {
    expect(u.isQuestion('Kas 16-aastaselt saab abielluda')).toBe(true);
    expect(u.isQuestion('Можно ли выйти замуж в 16 лет')).toBe(true);
    expect(u.isQuestion('what if my wife has no insurance')).toBe(true);
    expect(u.isQuestion('Oleme mõlemad 18')).toBe(false);
    expect(u.isQuestion('нужно организовать похороны матери')).toBe(false);
  });

  it('leaves a yes/no or what-if question and its condition out of the statements', () => {
    expect(u.statements('Kas 16-aastaselt saab abielluda?')).toBe('');
    expect(u.statements('А если у жены нет страховки?')).toBe('');
    expect(u.statements('Mitu aastat peab lahus elama, et kohus lahutaks?')).toBe('');
    expect(u.statements('Сколько лет надо жить раздельно, чтобы суд развёл?')).toBe('');
    expect(u.withoutSuppositions('Mis siis kui naisel pole ravikindlustust?')).toBe('');
  });

  it('keeps a statement beside a question, and what a question for a fact takes for granted', () => {
    expect(u.statements('Meil sündis laps, kui suur on sünnitoetus?')).toBe('Meil sündis laps');
    expect(u.statements('Oleme mõlemad 18. Kas saame abielluda?')).toBe('Oleme mõlemad 18');
    expect(u.withoutSuppositions('сколько дней длится отпуск по беременности?')).not.toBe('');
    expect(u.statements('сколько дней длится отпуск по беременности?')).toBe('');
    expect(u.statements('we are both 18')).toBe('we are both 18');
  });
});
