import { describe, expect, it } from 'vitest';
import { QUEUE_TEXTS } from '../../src/handover/queue-texts.js';

describe('QUEUE_TEXTS.wait', () => {
  it('says "a minute" in words for a wait of one minute or less', () => {
    expect(QUEUE_TEXTS.wait.et(1)).toBe('Ootad umbes minuti.');
    expect(QUEUE_TEXTS.wait.ru(1)).toBe('Ждать примерно минуту.');
    expect(QUEUE_TEXTS.wait.en(0)).toBe('The wait is about a minute.');
  });

  it('puts «минута» in the accusative that «ждать» governs, by the number', () => {
    expect(QUEUE_TEXTS.wait.ru(21)).toBe('Ждать примерно 21 минуту.');
    expect(QUEUE_TEXTS.wait.ru(3)).toBe('Ждать примерно 3 минуты.');
    expect(QUEUE_TEXTS.wait.ru(11)).toBe('Ждать примерно 11 минут.');
    expect(QUEUE_TEXTS.wait.ru(14)).toBe('Ждать примерно 14 минут.');
    expect(QUEUE_TEXTS.wait.ru(25)).toBe('Ждать примерно 25 минут.');
  });

  it('uses the Estonian partitive after a number', () => {
    expect(QUEUE_TEXTS.wait.et(5)).toBe('Ootad umbes 5 minutit.');
  });
});
