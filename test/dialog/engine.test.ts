import { describe, expect, it } from 'vitest';
import { createDialogAssistant } from '../../src/dialog/engine.js';
import type { DialogState } from '../../src/dialog/state.js';
import type { AssistantEvent, AssistantTurn } from '../../src/core/assistant.js';
import type { Block } from '../../src/protocol/frames.js';
import type { Dialog } from '../../src/dialog/schema.js';
import type { Classifier } from '../../src/nlu/types.js';
import { mapClassifier, nlu, realBundle, withDialog } from './helpers.js';

const ctx = { signedIn: false, now: 0 };

function make(classifier: Classifier = mapClassifier({}), dialog?: Dialog) {
  const assistant = createDialogAssistant({
    bundle: dialog ? withDialog(dialog) : realBundle(),
    classifier,
  });
  let state = assistant.initial('en');
  let last: AssistantTurn<DialogState> | undefined;
  const send = (event: AssistantEvent, signedIn = false) => {
    last = assistant.step(state, event, { ...ctx, signedIn });
    state = last.state;
    return last;
  };
  return { assistant, send, state: () => state };
}

const text = (turn: AssistantTurn<DialogState>) => turn.replies.map((r) => r.text).join('\n');
const blocks = (turn: AssistantTurn<DialogState>) => turn.replies.flatMap((r) => r.blocks);
const optionIds = (turn: AssistantTurn<DialogState>) =>
  blocks(turn)
    .filter((b): b is Extract<Block, { type: 'options' }> => b.type === 'options')
    .flatMap((b) => b.options.map((o) => o.id));

describe('DialogEngine', () => {
  it('greets with the eight life events as quick replies on start', () => {
    const { send } = make();
    const turn = send({ type: 'start' });
    expect(text(turn)).toMatch(/life events in Estonia/);
    expect(optionIds(turn)).toEqual(
      expect.arrayContaining(['event:marriage', 'event:child-disability']),
    );
    expect(optionIds(turn)).toHaveLength(8);
    expect(turn.lang).toBe('en');
  });

  it('says a message node and moves on to the question after it', () => {
    const { send } = make();
    const turn = send({ type: 'choose', optionId: 'event:marriage' });
    expect(turn.replies[0]?.text).toMatch(/Getting married in Estonia/);
    // Chosen from the menu, a marriage is one in Estonia: the place is not asked (issue 13).
    expect(turn.replies[1]?.text).toMatch(/6 months/);
    expect(turn.replies[1]?.text).not.toMatch(/in Estonia or abroad/);
    expect(optionIds(turn)).toEqual(['yes', 'no', 'not-sure']);
    expect(turn.info).toMatchObject({ lifeEvent: 'marriage', node: 'ask-residence' });
  });

  it('asks where the marriage is only when the first message names abroad or a past wedding', () => {
    for (const [said, asks] of [
      ['we want to get married next summer', false],
      ['we want to get married, my bride is from Finland', true],
      ['we got married last year', true],
    ] as const) {
      const { send, state } = make(mapClassifier({ [said]: nlu('marriage', { lang: 'en' }) }));
      const turn = send({ type: 'text', text: said });
      expect(turn.info.node).toBe(asks ? 'ask-place' : 'ask-residence');
      // Taken for granted, the place is not said back as if the person had said it.
      expect(state().vars).toEqual(asks ? {} : { place: 'estonia' });
      expect(state().heard ?? []).not.toContain('place');
      if (asks) expect(text(turn)).toMatch(/where did you marry: in Estonia or abroad\?/);
    }
  });

  it('stores a question answer and goes to the option target', () => {
    const { send, state } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    const turn = send({ type: 'choose', optionId: 'no' });
    expect(state().vars).toEqual({ place: 'estonia', residence: 'no' });
    expect(turn.info.node).toBe('ask-age');
  });

  it('understands free text as a quick reply in any language', () => {
    const { send, state } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'text', text: 'Jah!' });
    send({ type: 'text', text: 'нет' });
    send({ type: 'text', text: 'ei tea' });
    expect(state().vars).toEqual({
      place: 'estonia',
      residence: 'yes',
      adults: 'no',
      nameChange: 'not-sure',
    });
  });

  it('takes the longest answer a free-text reply opens with: "ei tea veel" is not "ei"', () => {
    const { send, state } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'text', text: 'ei tea veel' });
    send({ type: 'text', text: 'no, she is 17' });
    send({ type: 'text', text: 'не знаю точно' });
    expect(state().vars).toEqual({
      place: 'estonia',
      residence: 'not-sure',
      adults: 'no',
      nameChange: 'not-sure',
    });
  });

  it('builds a personal checklist: a name change lists the new ID document', () => {
    const { send } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'choose', optionId: 'yes' });
    send({ type: 'choose', optionId: 'yes' });
    const withName = send({ type: 'choose', optionId: 'yes' });
    const checklist = blocks(withName).find((b) => b.type === 'checklist');
    expect(checklist?.type === 'checklist' && checklist.items.map((i) => i.serviceId)).toEqual([
      'marriage-registration',
      'marriage-property-regime',
      'marriage-name',
      'marriage-new-id-document',
      'marriage-property-change',
      'marriage-certificate',
    ]);
    // Three of the six are optional (review 17 F-0): not counted as things to do, and the count
    // is a word (review 17, item 9).
    expect(text(withName)).toMatch(/For three services you need to act yourself\./);
    expect(text(withName)).toMatch(
      /Marriage certificate — you can do it yourself if you need it\./,
    );
    // The text carries each service's summary and deadline, for channels without cards.
    expect(text(withName)).toMatch(/joint ownership applies/);
    expect(text(withName)).toMatch(/The state fee is €70 \(since 1 January 2025\)/);
    // A deadline written as a sentence stands on its own: no "Deadline: The …".
    expect(text(withName)).toMatch(/ The marriage takes place no sooner than 1 month/);
    expect(text(withName)).not.toMatch(/Deadline: [A-Z]/);

    const other = make();
    other.send({ type: 'choose', optionId: 'event:marriage' });
    other.send({ type: 'choose', optionId: 'no' });
    other.send({ type: 'choose', optionId: 'no' });
    const noName = other.send({ type: 'choose', optionId: 'no' });
    const ids = blocks(noName).flatMap((b) => (b.type === 'checklist' ? b.items : []));
    expect(ids.map((i) => i.serviceId)).toContain('marriage-capacity-certificate');
    expect(ids.map((i) => i.serviceId)).toContain('marriage-minor');
    expect(ids.map((i) => i.serviceId)).not.toContain('marriage-new-id-document');
  });

  it('lists family mediation and maintenance in a divorce with minor children', () => {
    const { send } = make();
    send({ type: 'choose', optionId: 'event:divorce' });
    send({ type: 'choose', optionId: 'yes' });
    send({ type: 'choose', optionId: 'yes' });
    const turn = send({ type: 'choose', optionId: 'no' });
    const ids = blocks(turn).flatMap((b) => (b.type === 'checklist' ? b.items : []));
    expect(ids.map((i) => i.serviceId)).toEqual(
      expect.arrayContaining(['divorce-family-mediation', 'divorce-maintenance']),
    );
  });

  it('follows a branch on an earlier answer', () => {
    const { send } = make();
    send({ type: 'choose', optionId: 'event:child-birth' });
    send({ type: 'choose', optionId: 'not-yet' });
    send({ type: 'choose', optionId: 'no' });
    send({ type: 'choose', optionId: 'yes' });
    const turn = send({ type: 'text', text: 'ei tea' }); // the municipality, not given
    const ids = blocks(turn).flatMap((b) => (b.type === 'checklist' ? b.items : []));
    expect(ids.map((i) => i.serviceId).slice(0, 2)).toEqual([
      'birth-pregnancy-care',
      'birth-pregnancy-insurance',
    ]);
  });

  it('asks for a status lookup at a status node and renders each answer', () => {
    const run = () => {
      const { send } = make();
      send({ type: 'choose', optionId: 'event:divorce' });
      send({ type: 'choose', optionId: 'yes' });
      send({ type: 'choose', optionId: 'no' });
      const turn = send({ type: 'choose', optionId: 'no' });
      expect(turn.effects).toContainEqual({ type: 'status-lookup', lifeEvent: 'divorce' });
      return send;
    };
    const found = run()(
      {
        type: 'status',
        lookup: {
          type: 'found',
          status: {
            lifeEvents: [
              {
                lifeEvent: 'divorce',
                services: [{ serviceId: 'divorce-agreement', state: 'in-progress' }],
              },
            ],
            offers: [{ serviceId: 'divorce-family-mediation', lifeEvent: 'divorce' }],
          },
        },
      },
      true,
    );
    expect(blocks(found).find((b) => b.type === 'status')).toMatchObject({
      items: [{ serviceId: 'divorce-agreement', state: 'in-progress' }],
    });
    expect(text(found)).toMatch(/offers you 1 service/);
    expect(found.effects).toContainEqual({ type: 'outcome', outcome: 'resolved' });

    const signedOut = run()({ type: 'status', lookup: { type: 'signed-out' } });
    expect(text(signedOut)).toMatch(/If you sign in/);
    const unavailable = run()({ type: 'status', lookup: { type: 'unavailable' } });
    expect(text(unavailable)).toMatch(/can't see your status/);
    expect(blocks(unavailable)).toContainEqual({ type: 'feedback' });
  });

  it('ends with feedback and thanks for it', () => {
    const { send } = make();
    expect(text(send({ type: 'feedback', rating: 5 }))).toMatch(/Thank you for your feedback/);
    const low = send({ type: 'feedback', rating: 1 });
    expect(optionIds(low)).toContain('human');
  });

  it('keeps free text at an input node and hands over at a handover node', () => {
    const dialog: Dialog = {
      lifeEvent: 'retirement',
      start: 'ask',
      nodes: {
        ask: { kind: 'input', text: 'retirement.ask-when', var: 'when', next: 'pick' },
        pick: {
          kind: 'question',
          text: 'retirement.ask-abroad',
          var: 'abroad',
          options: [
            { id: 'yes', goto: 'human' },
            { id: 'no', goto: 'done' },
          ],
        },
        human: { kind: 'handover', text: 'global.handover' },
        done: { kind: 'end', text: 'retirement.end' },
      },
    };
    const { send, state } = make(mapClassifier({}), dialog);
    send({ type: 'choose', optionId: 'event:retirement' });
    send({ type: 'text', text: 'next spring' });
    expect(state().vars.when).toBe('next spring');
    const turn = send({ type: 'choose', optionId: 'yes' });
    expect(turn.effects).toEqual([{ type: 'handover-request' }]);
  });

  it('asks before switching topic when the person clearly names another life event', () => {
    const { send, state } = make(
      mapClassifier({ 'we are getting divorced': nlu('divorce', { lang: 'en' }) }),
    );
    send({ type: 'choose', optionId: 'event:marriage' });
    const asked = send({ type: 'text', text: 'we are getting divorced' });
    expect(asked.info.lifeEvent).toBe('marriage');
    expect(text(asked)).toMatch(/Do you want to talk about “Divorce” instead\?/);
    expect(optionIds(asked)).toEqual(['switch:divorce', 'continue']);
    const turn = send({ type: 'choose', optionId: 'switch:divorce' });
    expect(turn.info.lifeEvent).toBe('divorce');
    expect(turn.info.node).toBe('ask-agree');
    expect(state().pendingSwitch).toBeUndefined();
  });

  it('stays in the dialog when the person declines the switch, by button or in words', () => {
    const { send } = make(
      mapClassifier({ 'we are getting divorced': nlu('divorce', { lang: 'en' }) }),
    );
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'text', text: 'we are getting divorced' });
    const stay = send({ type: 'text', text: 'no' });
    expect(stay.info).toMatchObject({ lifeEvent: 'marriage', node: 'ask-residence' });
    send({ type: 'text', text: 'we are getting divorced' });
    expect(send({ type: 'choose', optionId: 'continue' }).info.node).toBe('ask-residence');
  });

  it('asks the waiting question again when the same topic is named again, not counting a miss', () => {
    const classifier = mapClassifier({
      'we are getting married': nlu('marriage', { lang: 'en' }),
      'мы хотим пожениться': nlu('marriage', { lang: 'ru' }),
    });
    const { send, state } = make(classifier);
    send({ type: 'choose', optionId: 'event:marriage' });
    const again = send({ type: 'text', text: 'we are getting married' });
    expect(text(again)).toMatch(/didn't understand your answer/);
    expect(optionIds(again)).toEqual(['yes', 'no', 'not-sure']);
    expect(state().misses).toBe(0);
    // In another language: the switch is announced and the question follows, no apology.
    const switched = send({ type: 'text', text: 'мы хотим пожениться' });
    expect(switched.lang).toBe('ru');
    expect(text(switched)).toMatch(/Продолжу по-русски/);
    expect(text(switched)).not.toMatch(/не понял/);
    expect(state().misses).toBe(0);
  });

  it('offers the closest life events when the message is ambiguous', () => {
    const classifier = mapClassifier({
      'my wife': nlu('marriage', {
        lang: 'en',
        ambiguous: true,
        alternatives: [
          { intent: 'marriage', confidence: 0.4 },
          { intent: 'divorce', confidence: 0.38 },
        ],
      }),
    });
    const { send } = make(classifier);
    const turn = send({ type: 'text', text: 'my wife' });
    expect(text(turn)).toMatch(/Did you mean “Getting married” or “Divorce”/);
    expect(optionIds(turn)).toEqual(['event:marriage', 'event:divorce']);
  });

  it('says a question about another service is out of scope, without far-fetched guesses', () => {
    const classifier = mapClassifier({
      'renew my passport': nlu('out-of-scope', {
        lang: 'en',
        alternatives: [
          { intent: 'out-of-scope', confidence: 0.89 },
          { intent: 'child-birth', confidence: 0.03 },
          { intent: 'death-of-relative', confidence: 0.02 },
        ],
      }),
    });
    const { send } = make(classifier);
    const turn = send({ type: 'text', text: 'renew my passport' });
    expect(text(turn)).toMatch(/can't help with that question/);
    expect(text(turn)).not.toMatch(/Did you mean/);
    expect(optionIds(turn)).toHaveLength(9);
    expect(optionIds(turn).at(-1)).toBe('human');
  });

  it('re-asks at a question, then offers three ways out, and queues only when a person is chosen', () => {
    const { send } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    const first = send({ type: 'text', text: 'purple elephants' });
    expect(text(first)).toMatch(/didn't understand your answer/);
    expect(optionIds(first)).toEqual(['yes', 'no', 'not-sure']);
    expect(first.effects).toEqual([]);
    const second = send({ type: 'text', text: 'purple elephants again' });
    expect(second.effects).toEqual([]);
    expect(text(second)).toMatch(
      /other words.*\n.*topic.*\n.*person.*weekdays 9:00–17:00.*Outside those hours/s,
    );
    expect(optionIds(second)).toEqual(
      expect.arrayContaining(['continue', 'event:divorce', 'human']),
    );
    expect(send({ type: 'choose', optionId: 'human' }).effects).toEqual([
      { type: 'handover-request' },
    ]);
  });

  it("names the configured office hours in the person's language after a second miss", () => {
    const assistant = createDialogAssistant({
      bundle: realBundle(),
      classifier: mapClassifier({}),
      officeHours: (lang) => (lang === 'en' ? 'on Mondays 10:00–12:00' : undefined),
    });
    let state = assistant.initial('en');
    for (const t of ['purple elephants', 'purple elephants again']) {
      const turn = assistant.step(state, { type: 'text', text: t }, ctx);
      state = turn.state;
      if (t.endsWith('again')) expect(text(turn)).toContain('on Mondays 10:00–12:00');
    }
  });

  it('starts over on the restart option and on the words in any language', () => {
    const { send, state } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'choose', optionId: 'yes' });
    const turn = send({ type: 'text', text: 'alusta uuesti' });
    expect(state().vars).toEqual({});
    expect(state().lifeEvent).toBeUndefined();
    expect(optionIds(turn)).toHaveLength(8);
    send({ type: 'choose', optionId: 'event:divorce' });
    send({ type: 'choose', optionId: 'restart' });
    expect(state().lifeEvent).toBeUndefined();
  });

  it('answers help, thanks and goodbye, and hands over on request', () => {
    const { send } = make(
      mapClassifier({
        'what can you do': nlu('help', { lang: 'en' }),
        'thank you': nlu('thanks', { lang: 'en' }),
        bye: nlu('goodbye', { lang: 'en' }),
        'i want a human': nlu('human-handover', { lang: 'en' }),
      }),
    );
    expect(text(send({ type: 'text', text: 'what can you do' }))).toMatch(/eight life events/);
    expect(text(send({ type: 'text', text: 'thank you' }))).toMatch(/welcome/);
    expect(blocks(send({ type: 'text', text: 'bye' }))).toContainEqual({ type: 'feedback' });
    expect(send({ type: 'text', text: 'i want a human' }).effects).toEqual([
      { type: 'handover-request' },
    ]);
  });

  it('asks before queueing on a human-handover reading under 0.7; no goes back to the question', () => {
    const { send, state } = make(
      mapClassifier({
        'tell me a joke': nlu('human-handover', { lang: 'en', confidence: 0.69 }),
        'get me someone': nlu('human-handover', { lang: 'en', confidence: 0.7 }),
      }),
    );
    const asked = send({ type: 'text', text: 'tell me a joke' });
    expect(asked.effects).toEqual([]);
    expect(text(asked)).toMatch(/Would you like to talk to a member of the customer support/);
    const topics = optionIds(make().send({ type: 'start' }));
    expect(optionIds(asked)).toEqual(['human', ...topics]);
    send({ type: 'choose', optionId: 'event:marriage' });
    expect(optionIds(send({ type: 'text', text: 'tell me a joke' }))).toEqual([
      'human',
      'continue',
    ]);
    const no = send({ type: 'text', text: 'no' });
    expect(no.effects).toEqual([]);
    expect(state().vars).toEqual({ place: 'estonia' });
    expect(no.info.node).toBe('ask-residence');
    expect(optionIds(no)).toEqual(['yes', 'no', 'not-sure']);
    send({ type: 'text', text: 'tell me a joke' });
    expect(send({ type: 'text', text: 'yes' }).effects).toEqual([{ type: 'handover-request' }]);
    expect(send({ type: 'text', text: 'get me someone' }).effects).toEqual([
      { type: 'handover-request' },
    ]);
  });

  it('goes back to the open question on a no to a person after a low rating mid-dialog', () => {
    const { send } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'feedback', rating: 1 });
    const no = send({ type: 'choose', optionId: 'no' });
    expect(no.effects).toEqual([]);
    expect(no.info.node).toBe('ask-residence');
    expect(text(no)).toMatch(/at least 6 months/);
  });

  it('looks up the status on the my-status intent and asks the question again after', () => {
    const { send } = make(mapClassifier({ 'my status': nlu('my-status', { lang: 'en' }) }));
    send({ type: 'choose', optionId: 'event:marriage' });
    const ask = send({ type: 'text', text: 'my status' });
    expect(ask.effects).toEqual([{ type: 'status-lookup', lifeEvent: 'marriage' }]);
    const turn = send({ type: 'status', lookup: { type: 'unavailable' } });
    expect(optionIds(turn)).toEqual(['yes', 'no', 'not-sure']);
  });

  it('signed out, offers a sign-in and then the question that waits or the topics', () => {
    const { send } = make(mapClassifier({ 'my status': nlu('my-status', { lang: 'en' }) }));
    send({ type: 'text', text: 'my status' });
    const topics = send({ type: 'status', lookup: { type: 'signed-out' } });
    expect(topics.replies[0]?.blocks[0]).toEqual({ type: 'sign-in' });
    expect(optionIds(topics)).toContain('event:marriage');
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'text', text: 'my status' });
    const mid = send({ type: 'status', lookup: { type: 'signed-out' } });
    expect(mid.replies.flatMap((r) => r.blocks.map((b) => b.type))).toContain('sign-in');
    expect(optionIds(mid)).toEqual(['yes', 'no', 'not-sure']);
  });

  it('switches language on set-lang and on a clear message in another language', () => {
    const { send } = make(
      mapClassifier({ 'tahan teada abiellumisest palun': nlu('marriage', { lang: 'et' }) }),
    );
    const set = send({ type: 'set-lang', lang: 'ru' });
    expect(set.lang).toBe('ru');
    expect(text(set)).toMatch(/по-русски/);
    // No question waits: the topic choices are offered again, in the new language.
    expect(optionIds(set)).toContain('event:marriage');
    expect(set.replies.at(-1)?.blocks).toContainEqual({
      type: 'options',
      options: expect.arrayContaining([
        { id: 'event:marriage', label: 'Вступление в брак' },
      ]) as unknown,
    });
    const turn = send({ type: 'text', text: 'tahan teada abiellumisest palun' });
    expect(turn.lang).toBe('et');
    expect(text(turn)).toMatch(/Jätkan eesti keeles/);
  });

  it('restores its own state version and drops any other', () => {
    const { assistant, send, state } = make();
    send({ type: 'choose', optionId: 'event:marriage' });
    const stored: unknown = JSON.parse(JSON.stringify(state()));
    expect(assistant.restore(stored)).toEqual(state());
    expect(assistant.restore({ ...(stored as object), v: 99 })).toBeUndefined();
  });

  it('uses the right plural forms in all three languages', () => {
    const { send } = make();
    send({ type: 'set-lang', lang: 'ru' });
    send({ type: 'choose', optionId: 'event:marriage' });
    send({ type: 'choose', optionId: 'yes' });
    send({ type: 'choose', optionId: 'yes' });
    expect(text(send({ type: 'choose', optionId: 'no' }))).toMatch(
      /Ваших действий требуют три услуги/,
    );
    const et = make();
    et.send({ type: 'set-lang', lang: 'et' });
    et.send({ type: 'choose', optionId: 'event:retirement' });
    et.send({ type: 'choose', optionId: 'yes' });
    et.send({ type: 'choose', optionId: 'no' });
    const turn = et.send({ type: 'choose', optionId: 'yes' });
    expect(text(turn)).toMatch(/Veel ühe teenuse osutab riik ise/);
  });
});
