/**
 * Every correction example the plan can show („ei, …“ / «нет, …» / "no, …"), in every dialog
 * and language: answer one question in words, read the example the plan offers, type it, and
 * the answer is corrected to another option. The examples are the extractor's own first
 * phrases, so reordering a lexicon must keep this true.
 */
import { describe, expect, it } from 'vitest';
import { createDialogAssistant } from '../../src/dialog/engine.js';
import type { DialogState } from '../../src/dialog/state.js';
import type { AssistantEvent, AssistantTurn } from '../../src/core/assistant.js';
import type { NodeOf } from '../../src/dialog/schema.js';
import { LANGS, type Lang } from '../../src/protocol/frames.js';
import type { LifeEventId } from '../../src/nlu/types.js';
import { mapClassifier, realBundle } from './helpers.js';

const ctx = { signedIn: false, now: Date.UTC(2026, 11, 1) };
const bundle = realBundle();

interface Case {
  lang: Lang;
  event: LifeEventId;
  question: NodeOf<'question'>;
  value: string;
  phrase: string;
}

/** The first plain phrase of a lexicon entry: what the example builder would pick. */
function firstPhrase(spec: string): string | undefined {
  return spec
    .split('|')
    .map((p) => p.trim())
    .find((p) => p !== '' && !/[*#]/.test(p));
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const lang of LANGS) {
    const lexicons = bundle.resources[lang].conversation.extract as Record<
      string,
      Record<string, unknown>
    >;
    for (const [name, loaded] of Object.entries(bundle.dialogs)) {
      const event = name as LifeEventId;
      const { dialog } = loaded;
      for (const node of Object.values(dialog.nodes)) {
        if (node.kind !== 'question') continue;
        for (const decl of node.extract ?? []) {
          // The plan shows no example from a declaration read only beside a cue.
          if (typeof decl !== 'string' && decl.near !== undefined) continue;
          const { use, map } = typeof decl === 'string' ? { use: decl, map: undefined } : decl;
          for (const [lexValue, spec] of Object.entries(lexicons[use] ?? {})) {
            const value = map ? map[lexValue] : lexValue;
            const phrase = typeof spec === 'string' ? firstPhrase(spec) : undefined;
            if (!value || !phrase || !node.options.some((o) => o.id === value)) continue;
            out.push({ lang, event, question: node, value, phrase });
          }
        }
      }
    }
  }
  return out;
}

/**
 * Walks to `question` (the first, or with `last` the last, option elsewhere), answers it in
 * words, and reaches the plan.
 */
function planAfter(c: Case, last = false) {
  const assistant = createDialogAssistant({ bundle, classifier: mapClassifier({}) });
  let state = assistant.initial(c.lang);
  const send = (e: AssistantEvent): AssistantTurn<DialogState> => {
    const turn = assistant.step(state, e, ctx);
    state = turn.state;
    return turn;
  };
  let turn = send({ type: 'choose', optionId: `event:${c.event}` });
  let typed = false;
  for (let i = 0; i < 12 && !state.pendingStatus && state.node; i++) {
    const node = bundle.dialogs[c.event]!.dialog.nodes[state.node];
    if (node?.kind === 'question' && node.var === c.question.var && !typed) {
      typed = true;
      turn = send({ type: 'text', text: c.phrase });
    } else if (node?.kind === 'question') {
      turn = send({
        type: 'choose',
        optionId: node.options[last ? node.options.length - 1 : 0]!.id,
      });
    } else if (node?.kind === 'input') {
      turn = send({ type: 'text', text: 'Tartu' });
    } else break;
    if (turn.replies.some((r) => r.blocks.some((b) => b.type === 'checklist'))) break;
  }
  const plan = turn.replies.map((r) => r.text).join('\n');
  return { plan, typed, send, state: () => state };
}

describe('correction examples correct the answer (every dialog, et/en/ru)', () => {
  const all = cases();
  it('finds the lexicon phrases to try', () => {
    expect(all.length).toBeGreaterThan(100);
  });

  // One test per language: the whole walk is CPU-bound and took 9–30 s as one test.
  it.each(LANGS)(
    'types each example shown after a typed answer and gets another option (%s)',
    (lang) => {
      const failures: string[] = [];
      let checked = 0;
      for (const c of all.filter((x) => x.lang === lang)) {
        let walk = planAfter(c);
        if (!walk.typed) walk = planAfter(c, true);
        const { plan, typed, send, state } = walk;
        // Paths that skip the question (a branch) or do not read the phrase there are not
        // this test's business; the count below keeps the test from passing on none.
        if (!typed || state().vars[c.question.var] !== c.value) continue;
        const example = /[„“«]([^“”»]+)[“”»]\)/.exec(plan)?.[1];
        if (!example) continue;
        checked += 1;
        if (process.env.SHOW_EXAMPLES)
          console.log(`${c.lang} ${c.event}.${c.question.var}: ${example}`);
        send({ type: 'text', text: example });
        const now = state().vars[c.question.var];
        if (now === c.value || now === undefined) {
          failures.push(
            `${c.lang} ${c.event}.${c.question.var}=${c.value}: „${example}“ gave ${now}`,
          );
        }
      }
      expect(failures).toEqual([]);
      // 51 per language today: the count keeps the test from passing on none.
      expect(checked).toBeGreaterThanOrEqual(45);
    },
  );
});
