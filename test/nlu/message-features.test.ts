import { describe, expect, it } from 'vitest';
import { messageFeatures, textWords } from '../../src/nlu/features.js';
import { trainedClassifier } from './helpers.js';

const of = (text: string): string[] => messageFeatures(textWords(text).map((w) => w.form));

describe('messageFeatures', () => {
  it('marks a word that ends something beside a word for the marriage, in each language', () => {
    for (const text of [
      'how do we dissolve our marriage',
      'kas abielu saab tühistada',
      'хотим расторгнуть брак',
      'мы больше не хотим быть в браке',
    ]) {
      expect(of(text), text).toEqual(['x:end-marriage']);
    }
  });

  it('leaves a marriage without an ending, and an ending without a marriage, alone', () => {
    for (const text of [
      'we want to get married',
      'abiellume suvel',
      'how to cancel my application',
    ]) {
      expect(of(text), text).toEqual([]);
    }
  });
});

describe('x:talking-now', () => {
  it('marks talking to someone now, in the first person present, with no request', () => {
    for (const text of [
      'am I talking to a person?',
      'я говорю с человеком?',
      'kas ma räägin inimesega?',
      'с кем я переписываюсь',
    ]) {
      expect(of(text), text).toEqual(['x:talking-now']);
    }
  });

  it('leaves a request for a person alone, also beside talking now', () => {
    for (const text of [
      'i want to talk to a person',
      'хочу поговорить с человеком',
      'tahan rääkida inimesega',
      'я говорю с роботом, дайте человека',
      'ma räägin botiga, palun ühenda inimesega',
    ]) {
      expect(of(text), text).toEqual([]);
    }
  });

  it('leaves a letter to an office and talking about a topic alone', () => {
    for (const text of [
      'i am writing to ask about my pension',
      'пишу вам по поводу пособия',
      "i'm talking about my mother's pension",
    ]) {
      expect(of(text), text).toEqual([]);
    }
  });
});

describe('Classifier: who answers is not a request for a person', () => {
  const classifier = trainedClassifier();
  it.each([
    ['am I talking to a person?', 'en'],
    ['я говорю с человеком?', 'ru'],
    ['kas ma räägin inimesega?', 'et'],
    ['am i speaking with a human', 'en'],
    ['я переписываюсь с человеком?', 'ru'],
  ] as const)('"%s" is smalltalk-robot', (text, lang) => {
    expect(classifier.classify(text, lang).intent).toBe('smalltalk-robot');
  });
  it.each([
    ['can I talk to a person', 'en'],
    ['хочу поговорить с человеком', 'ru'],
    ['tahan rääkida inimesega', 'et'],
    ['я говорю с роботом, а нужен живой человек', 'ru'],
  ] as const)('"%s" is human-handover', (text, lang) => {
    expect(classifier.classify(text, lang).intent).toBe('human-handover');
  });
});

describe('Classifier with combined features', () => {
  const thanking = trainedClassifier();
  it.each([
    ['thanks mate, you rock', 'en'],
    ['aitäh, oled nii tark', 'et'],
  ] as const)('takes thanks with praise for thanks: "%s"', (text, lang) => {
    expect(thanking.classify(text, lang).intent).toBe('thanks');
  });
});

describe('Classifier with message features', () => {
  const classifier = trainedClassifier();
  it.each([
    ['how do we dissolve our marriage', 'en'],
    ['tahame oma abielu lõpetada', 'et'],
    ['как нам расторгнуть брак', 'ru'],
  ] as const)('takes ending a marriage for a divorce: "%s"', (text, lang) => {
    expect(classifier.classify(text, lang).intent).toBe('divorce');
  });
});
