/**
 * Conversation behaviours of issue 11 in the pure engine, with a fake classifier (the small
 * talk intents of contract 3 before the NLU knows them) and a catalog fact added for the test.
 */
import { describe, expect, it } from 'vitest';
import { createDialogAssistant } from '../../src/dialog/engine.js';
import type { DialogState } from '../../src/dialog/state.js';
import type { AssistantEvent, AssistantTurn } from '../../src/core/assistant.js';
import type { Block, Lang } from '../../src/protocol/frames.js';
import type { DialogBundle } from '../../src/dialog/load.js';
import { LIFE_EVENTS, type Classifier, type IntentId } from '../../src/nlu/types.js';
import { mapClassifier, nlu, realBundle } from './helpers.js';

const ctx = { signedIn: false, now: Date.UTC(2026, 11, 1) };

/** The real bundle with a funeral-grant fact, a Tallinn page and its sentences. */
function withFact(): DialogBundle {
  const real = realBundle();
  const bundle: DialogBundle = {
    ...real,
    catalog: structuredClone(real.catalog),
    resources: structuredClone(real.resources),
  };
  for (const event of bundle.catalog.lifeEvents) {
    for (const s of event.services) {
      if (s.id === 'death-funeral-grant') {
        s.facts = [
          {
            id: 'tallinn-amount',
            kind: 'amount',
            value: 400,
            unit: 'EUR',
            effective: '2025-01-01',
            checked: '2026-12-01',
            source: 'https://www.tallinn.ee/et/matusetoetus',
          },
        ];
      }
    }
  }
  const sentence = {
    et: 'Matusetoetus on {{value}}.',
    en: 'The funeral grant is {{value}}.',
    ru: 'Пособие на похороны — {{value}}.',
  } as const;
  for (const lang of ['et', 'en', 'ru'] as const) {
    const service = bundle.resources[lang].catalog.service as Record<
      string,
      Record<string, unknown>
    >;
    service['death-funeral-grant']!.facts = { 'tallinn-amount': sentence[lang] };
  }
  bundle.municipalities = [
    {
      id: 'tallinn',
      name: { et: 'Tallinn', en: 'Tallinn', ru: 'Таллинн' },
      site: 'https://www.tallinn.ee',
      checked: '2026-12-01',
      pages: {
        'death-funeral-grant': {
          et: 'https://www.tallinn.ee/et/matusetoetus',
          en: 'https://www.tallinn.ee/en/funeral-grant',
          ru: 'https://www.tallinn.ee/ru/posobie',
        },
      },
    },
  ];
  return bundle;
}

function make(lang: Lang, classifier: Classifier = mapClassifier({}), bundle = realBundle()) {
  const assistant = createDialogAssistant({ bundle, classifier });
  let state = assistant.initial(lang);
  const send = (event: AssistantEvent): AssistantTurn<DialogState> => {
    const turn = assistant.step(state, event, ctx);
    state = turn.state;
    return turn;
  };
  const say = (text: string) => send({ type: 'text', text });
  return { send, say, state: () => state };
}

const text = (turn: AssistantTurn<DialogState>) => turn.replies.map((r) => r.text).join('\n');
const optionIds = (turn: AssistantTurn<DialogState>) =>
  turn.replies
    .flatMap((r) => r.blocks)
    .filter((b): b is Extract<Block, { type: 'options' }> => b.type === 'options')
    .flatMap((b) => b.options.map((o) => o.id));

describe('facts from any message fill the questions', () => {
  it('skips the questions the first message answers and shows what it understood', () => {
    const { say, state } = make(
      'en',
      mapClassifier({ 'our baby was born in Finland': nlu('child-birth', { lang: 'en' }) }),
    );
    const first = say('our baby was born in Finland');
    expect(state().vars).toEqual({ born: 'yes', abroad: 'yes' });
    expect(first.info.node).toBe('ask-married');
    expect(text(first)).toMatch(/Noted: the baby is born, the birthplace is abroad\./);
    say('yes');
    const plan = say('Tartu');
    expect(text(plan)).toMatch(
      // F-5 (review 16): „Tartu“ (a town and a parish) is taken as the town and said back.
      /Here is what I understood: the baby is born, the birthplace is abroad, the parents are married, in Tartu\./,
    );
  });

  it('updates an answer and the plan on a correction, in the dialog and after it', () => {
    const { say, send, state } = make(
      'et',
      mapClassifier({ 'meil sündis laps Soomes': nlu('child-birth') }),
    );
    say('meil sündis laps Soomes');
    const fix = say('ei, tegelikult Eestis');
    expect(state().vars.abroad).toBe('no');
    expect(text(fix)).toMatch(/parandasin: sünnikoht on Eestis/);
    expect(fix.info.node).toBe('ask-married');
    send({ type: 'choose', optionId: 'yes' });
    const plan = say('ei tea');
    expect(plan.replies.flatMap((r) => r.blocks).some((b) => b.type === 'checklist')).toBe(true);
    expect(text(plan)).toMatch(/Sünni registreerimine/);
    send({ type: 'status', lookup: { type: 'signed-out' } });
    // After the plan: the correction gives the updated checklist, without the intro again.
    const again = say('tegelikult sündis ta Rootsis');
    expect(text(again)).toMatch(/Välismaal sündinud lapse registreerimine/);
    expect(text(again)).not.toMatch(/Palju õnne/);
  });

  it('keeps a count of children as the answer to "children under 18?" in three languages', () => {
    for (const [lang, words] of [
      ['en', 'we are divorcing, we have two kids'],
      ['et', 'lahutame, meil on kaks last'],
      ['ru', 'разводимся, у нас двое детей'],
    ] as const) {
      const { say, state, send } = make(lang, mapClassifier({ [words]: nlu('divorce', { lang }) }));
      say(words);
      expect(state().vars.children).toBe('yes');
      send({ type: 'choose', optionId: 'yes' });
      expect(state().node).toBe('ask-name');
    }
  });
});

describe('answers stay in their dialog', () => {
  it('reads a due date as an answer to the birth question, not as another topic', () => {
    const classifier = mapClassifier({
      'the baby is due in march': nlu('marriage', { lang: 'en', confidence: 0.9 }),
    });
    const { say, send, state } = make('en', classifier);
    send({ type: 'choose', optionId: 'event:child-birth' });
    say('the baby is due in march');
    expect(state().lifeEvent).toBe('child-birth');
    expect(state().vars.born).toBe('not-yet');
  });

  it('asks before switching and never switches on a weak guess', () => {
    const classifier = mapClassifier({
      'mu isa suri eile': nlu('death-of-relative', { confidence: 0.9 }),
      'midagi abielu kohta': nlu('marriage', { confidence: 0.3 }),
    });
    const { say, send, state } = make('et', classifier);
    send({ type: 'choose', optionId: 'event:divorce' });
    const weak = say('midagi abielu kohta');
    expect(state().lifeEvent).toBe('divorce');
    expect(text(weak)).toMatch(/ei saanud/);
    const asked = say('mu isa suri eile');
    expect(state().lifeEvent).toBe('divorce');
    expect(optionIds(asked)).toEqual(['switch:death-of-relative', 'continue']);
    const yes = say('jah');
    expect(yes.info.lifeEvent).toBe('death-of-relative');
  });
});

describe('direct questions get the fact first', () => {
  it.each([
    [
      'en',
      'How much is the funeral grant in Tallinn?',
      /The funeral grant is 400 €.*1 January 2025.*https:\/\/www\.tallinn\.ee\/et\/matusetoetus/s,
      /Tallinn: https:\/\/www\.tallinn\.ee\/en\/funeral-grant/,
    ],
    [
      'et',
      'Kui suur on matusetoetus Tallinnas?',
      /Matusetoetus on 400 € \(kehtib alates 1\. jaanuarist 2025\)/,
      /Allikas: https:\/\/www\.tallinn\.ee\/et\/matusetoetus/,
    ],
    [
      'ru',
      'Сколько составляет пособие на похороны в Таллинне?',
      /Пособие на похороны — 400 €.*1 января 2025/s,
      /Таллинн: https:\/\/www\.tallinn\.ee\/ru\/posobie/,
    ],
  ] as const)('%s: %s', (lang, question, fact, local) => {
    const { say, send, state } = make(lang, mapClassifier({}), withFact());
    const turn = say(question);
    expect(turn.info.direct).toBe('death-funeral-grant:tallinn-amount');
    expect(text(turn)).toMatch(fact);
    expect(text(turn)).toMatch(local);
    expect(turn.info.direct).toBe('death-funeral-grant:tallinn-amount');
    expect(optionIds(turn)).toEqual(['plan:death-of-relative', 'no-plan']);
    expect(text(turn).split(/\s+/).length).toBeLessThanOrEqual(60);
    // Accepting the plan enters the life event with what the question said: Tallinn is the
    // municipality, not where the death happened (review 19 F-7), so that is still asked.
    const plan = send({ type: 'choose', optionId: 'plan:death-of-relative' });
    expect(plan.info.lifeEvent).toBe('death-of-relative');
    expect(state().vars.municipality).toBe('tallinn');
    expect(state().vars.abroad).toBeUndefined();
  });

  it('offers the plan with the number of questions still open', () => {
    const count = (t: string) => Number(/(\d+) short questions/.exec(t)?.[1]);
    const all = count(
      text(make('en', mapClassifier({}), withFact()).say('How much is the funeral grant?')),
    );
    const known = count(
      text(
        make('en', mapClassifier({}), withFact()).say('How much is the funeral grant in Tallinn?'),
      ),
    );
    // In Tallinn: the municipality is known (where the death happened is still asked; F-7).
    expect(known).toBe(all - 1);
  });

  it('asks for the municipality when each sets its own figure, then gives that one', () => {
    const { say } = make('en');
    const first = say('How much is the funeral grant?');
    expect(first.info.direct).toBe('death-funeral-grant:-');
    expect(text(first)).toMatch(/depends on the local government/);
    const tallinn = say('in Tallinn');
    expect(tallinn.info.direct).toBe('death-funeral-grant:amount');
    expect(text(tallinn)).toMatch(
      /The funeral grant is \d+ € \(valid from 1 January 2018\)\. .*https:\/\/www\.tallinn\.ee\//s,
    );
  });

  it('says so when the catalog has no checked figure, with the official link', () => {
    const { say } = make('en');
    const turn = say('how much does the certificate of capacity to marry cost?');
    expect(turn.info.direct).toBe('marriage-capacity-certificate:-');
    expect(text(turn)).toMatch(/don't have an exact, checked figure.*https:\/\//s);
  });
});

describe('clarifying questions', () => {
  it.each([
    ['en', 'what does heir mean?', /An heir is/, /an heir of the person who died/],
    ['et', 'mis on pärija?', /Pärija on inimene/, /pärija/],
    ['ru', 'что такое наследник?', /Наследник — это/, /наследник/],
  ] as const)('%s: %s explains and asks again, not a miss', (lang, q, means, again) => {
    const classifier = mapClassifier({ x: nlu('death-of-relative', { lang }) });
    const { say, send, state } = make(lang, classifier);
    send({ type: 'choose', optionId: 'event:death-of-relative' });
    send({ type: 'choose', optionId: 'no' });
    const turn = say(q);
    expect(text(turn)).toMatch(means);
    expect(turn.replies.at(-1)?.text).toMatch(again);
    expect(state().misses).toBe(0);
  });

  it('explains a word of the last question when asked only "what does that mean?"', () => {
    const { say, send } = make('ru');
    send({ type: 'choose', optionId: 'event:marriage' });
    const turn = say('что это значит?');
    expect(text(turn)).toMatch(/Регистр народонаселения —/);
  });
});

describe('emergencies first', () => {
  it.each([
    ['en', 'my husband is unconscious and not breathing', /call 112 now/],
    ['et', 'ma ei taha enam elada', /116 123/],
    ['ru', 'муж бьёт меня каждый день', /116 006/],
    ['en', 'I think a child is in danger next door', /116 111/],
    ['et', 'laps on ohus, naaber peksab last', /116 111/],
    ['ru', 'хочу покончить с собой', /116 123/],
  ] as const)('%s: %s', (lang, words, number) => {
    const { say } = make(lang);
    const turn = say(words);
    expect(turn.info.emergency).toBeDefined();
    expect(turn.replies[0]?.text).toMatch(number);
    expect(turn.replies[0]?.text).toMatch(/112/);
  });

  it('lets the dialog go on after the numbers', () => {
    const { say, send } = make('en');
    send({ type: 'choose', optionId: 'event:death-of-relative' });
    const turn = say('he collapsed and is not breathing');
    expect(optionIds(turn)).toEqual(['continue', 'restart']);
    expect(send({ type: 'choose', optionId: 'continue' }).info.node).toBe('ask-abroad');
  });

  it.each([
    ['en', 'my father died yesterday'],
    ['et', 'mu isa suri eile'],
    ['ru', 'вчера умер мой отец'],
    ['en', 'we are divorcing, it was a violent marriage years ago'],
  ] as const)('is not an emergency: %s', (lang, words) => {
    expect(make(lang).say(words).info.emergency).toBeUndefined();
  });
});

describe('small talk (contract 3 intents)', () => {
  const talk = (intent: string) => nlu(intent as IntentId, { lang: 'en' });
  it.each([
    ['are you a robot?', 'smalltalk-robot', /computer program/],
    ['who made you', 'smalltalk-creator', /open-source/],
    ['what languages do you speak', 'smalltalk-languages', /Estonian, English and Russian/],
    ['you are great', 'smalltalk-compliment', /Thank you/],
    ['this is stupid', 'smalltalk-profanity', /frustrating/],
    ['yes', 'affirm', /What would you like to know/],
    ['no', 'deny', /choose a topic/],
  ])('%s', (words, intent, answer) => {
    const { say, state } = make('en', mapClassifier({ [words]: talk(intent) }));
    const turn = say(words);
    expect(text(turn)).toMatch(answer);
    expect(state().misses).toBe(0);
  });

  it('asks the open question again after small talk', () => {
    const { say, send } = make('en', mapClassifier({ 'are you a bot': talk('smalltalk-robot') }));
    send({ type: 'choose', optionId: 'event:marriage' });
    const turn = say('are you a bot');
    expect(text(turn)).toMatch(/computer program[\s\S]*6 months/);
  });
});

describe('the opening of a dialog counts its questions (issue 11)', () => {
  const WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

  it('promises as many questions as every path asks, or a few where paths differ', () => {
    const bundle = realBundle();
    const assistant = createDialogAssistant({ bundle, classifier: mapClassifier({}) });
    for (const lifeEvent of LIFE_EVENTS) {
      const start = assistant.step(
        assistant.initial('en'),
        { type: 'choose', optionId: `event:${lifeEvent}` },
        ctx,
      );
      const promised = WORDS[/I will ask (\w+) short questions?\./.exec(text(start))?.[1] ?? ''];
      const nodes = bundle.dialogs[lifeEvent]!.dialog.nodes;
      // Every path of quick replies from the pure state; an input is answered in words.
      const longest = (state: DialogState, asked: number): number => {
        const node = nodes[state.node ?? ''];
        const next = (event: AssistantEvent) =>
          longest(assistant.step(state, event, ctx).state, asked + 1);
        if (node?.kind === 'question')
          return Math.max(...node.options.map((o) => next({ type: 'choose', optionId: o.id })));
        if (node?.kind === 'input') return next({ type: 'text', text: "I don't know" });
        return asked;
      };
      const shortest = (state: DialogState, asked: number): number => {
        const node = nodes[state.node ?? ''];
        const next = (event: AssistantEvent) =>
          shortest(assistant.step(state, event, ctx).state, asked + 1);
        if (node?.kind === 'question')
          return Math.min(...node.options.map((o) => next({ type: 'choose', optionId: o.id })));
        if (node?.kind === 'input') return next({ type: 'text', text: "I don't know" });
        return asked;
      };
      // Where the answers decide how many follow, no number is promised (review 23b G-25).
      if (/I will ask a few short questions\./.test(text(start))) {
        expect(shortest(start.state, 0), lifeEvent).toBeLessThan(longest(start.state, 0));
        continue;
      }
      expect(promised, `${lifeEvent}: ${text(start)}`).toBe(longest(start.state, 0));
      expect(shortest(start.state, 0), lifeEvent).toBe(promised);
    }
  });

  it('says the number in words with the right plural form in every language', () => {
    const { send } = make('ru');
    expect(text(send({ type: 'choose', optionId: 'event:divorce' }))).toMatch(
      /Я задам три коротких вопроса\./,
    );
    const et = make('et');
    expect(text(et.send({ type: 'choose', optionId: 'event:military-service' }))).toMatch(
      /Küsin kaks lühikest küsimust\./,
    );
    // What the first message already answers is not counted: one question left, singular.
    const said = 'мой отец умер за границей, детей нет, я наследник';
    const ru = make('ru', mapClassifier({ [said]: nlu('death-of-relative', { lang: 'ru' }) }));
    expect(text(ru.say(said))).toMatch(/Я задам один короткий вопрос\./);
  });
});

describe('the correction example (issue 11)', () => {
  const cases: [Lang, string, string][] = [
    ['et', 'meie laps sündis Eestis', 'Tallinn'],
    ['en', 'our baby was born in Estonia', 'Tallinn'],
    ['ru', 'наш ребенок родился в Эстонии', 'Таллинн'],
  ];
  for (const [lang, first, place] of cases) {
    it(`offers another value than the one given, and writing it corrects the answer (${lang})`, () => {
      const { say, send, state } = make(
        lang,
        mapClassifier({ [first]: nlu('child-birth', { lang }) }),
      );
      say(first);
      expect(state().vars.abroad).toBe('no');
      send({ type: 'choose', optionId: 'yes' });
      const plan = text(say(place));
      const example = /[„“«]([^“”»]+)[“”»]\)/.exec(plan)?.[1];
      expect(example, plan).toBeDefined();
      // The example is in the person's voice and names the other place.
      expect(example).not.toMatch(/Eestis|Estonia|Эстонии/);
      say(example!);
      expect(state().vars.abroad).toBe('yes');
    });
  }
});
