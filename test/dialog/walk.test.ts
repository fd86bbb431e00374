/**
 * Loads the real dialogs and walks every path from the start to an end, in every language,
 * answering every status lookup in each of its three ways.
 */
import { describe, expect, it } from 'vitest';
import { createDialogAssistant } from '../../src/dialog/engine.js';
import { indexCatalog } from '../../src/dialog/render.js';
import { MISSING_MARK } from '../../src/dialog/i18n.js';
import type { DialogState } from '../../src/dialog/state.js';
import type { AssistantEvent, AssistantTurn } from '../../src/core/assistant.js';
import type { StatusLookup } from '../../src/core/status.js';
import { LANGS, type Block } from '../../src/protocol/frames.js';
import { LIFE_EVENTS, type LifeEventId } from '../../src/nlu/types.js';
import { mapClassifier, realBundle } from './helpers.js';

const bundle = realBundle();
const catalog = indexCatalog(bundle.catalog);
/**
 * First messages that make a dialog ask what it would otherwise assume (a question's `assume`):
 * a menu click assumes, so the paths behind the assumed question start from these.
 */
const ASKING_STARTS: Partial<Record<LifeEventId, Record<(typeof LANGS)[number], string>>> = {
  marriage: {
    et: 'tahame abielluda välismaal',
    en: 'we want to marry abroad',
    ru: 'мы хотим пожениться за границей',
  },
};
const assistant = createDialogAssistant({
  bundle,
  classifier: mapClassifier(
    Object.fromEntries(
      Object.entries(ASKING_STARTS).flatMap(([lifeEvent, texts]) =>
        LANGS.map((lang) => [
          texts[lang],
          {
            intent: lifeEvent as LifeEventId,
            confidence: 0.99,
            lang,
            alternatives: [],
            ambiguous: false,
          },
        ]),
      ),
    ),
  ),
});
/** A text that is only a key, or a key of the dialog/catalog namespaces leaking into a sentence. */
const RAW_KEY =
  /(^[a-z0-9-]+(\.[a-z0-9-]+)+$)|\b(dialog|catalog|global|checklist|status|option|mode|service|agency|lifeEvent)\.[a-zA-Z-]+/m;

function lookups(lifeEvent: LifeEventId): StatusLookup[] {
  const services = bundle.catalog.lifeEvents.find((e) => e.id === lifeEvent)?.services ?? [];
  return [
    {
      type: 'found',
      status: {
        lifeEvents: [
          {
            lifeEvent,
            services: services.slice(0, 2).map((s, i) => ({
              serviceId: s.id,
              state: i === 0 ? 'done' : 'action-needed',
            })),
          },
        ],
        offers: services.slice(2, 3).map((s) => ({ serviceId: s.id, lifeEvent })),
      },
    },
    { type: 'signed-out' },
    { type: 'unavailable' },
  ];
}

function assertReplies(turn: AssistantTurn<DialogState>, where: string): void {
  for (const reply of turn.replies) {
    expect(reply.text.trim(), where).not.toBe('');
    expect(reply.text, where).not.toContain(MISSING_MARK);
    expect(reply.text, `${where}: ${reply.text}`).not.toMatch(RAW_KEY);
    for (const block of reply.blocks) assertBlock(block, where);
  }
}

function assertBlock(block: Block, where: string): void {
  const strings: string[] = [];
  if (block.type === 'options') strings.push(...block.options.map((o) => o.label));
  if (block.type === 'services') {
    for (const card of block.services) {
      expect(catalog.service(card.id), where).toBeDefined();
      expect(card.url, where).toMatch(/^https:\/\//);
      strings.push(card.name, card.provider, card.summary ?? '', card.deadline ?? '');
    }
  }
  if (block.type === 'checklist') {
    strings.push(block.title);
    for (const item of block.items) {
      expect(catalog.service(item.serviceId ?? ''), where).toBeDefined();
      expect(item.url ?? 'https://', where).toMatch(/^https:\/\//);
      strings.push(item.text, item.provider ?? '', item.deadline ?? '');
    }
  }
  if (block.type === 'status') strings.push(block.title, ...block.items.map((i) => i.name));
  for (const s of strings) {
    expect(s, where).not.toContain(MISSING_MARK);
    expect(s, `${where}: ${s}`).not.toMatch(RAW_KEY);
  }
}

interface Walk {
  paths: number;
  services: Set<string>;
}

function explore(
  state: DialogState,
  event: AssistantEvent,
  path: string[],
  lifeEvent: LifeEventId,
  walk: Walk,
): void {
  expect(path.length, `path too long: ${path.join(' > ')}`).toBeLessThan(30);
  const turn = assistant.step(state, event, { signedIn: event.type === 'status', now: 0 });
  const where = `${lifeEvent} ${state.lang}: ${path.join(' > ')}`;
  assertReplies(turn, where);
  for (const b of turn.replies.flatMap((r) => r.blocks)) {
    if (b.type === 'checklist') b.items.forEach((i) => walk.services.add(i.serviceId ?? ''));
  }
  const next = turn.state;
  if (turn.effects.some((e) => e.type === 'outcome' || e.type === 'handover-request')) {
    walk.paths += 1;
    return;
  }
  if (turn.effects.some((e) => e.type === 'status-lookup')) {
    for (const lookup of lookups(lifeEvent)) {
      explore(
        next,
        { type: 'status', lookup },
        [...path, `status:${lookup.type}`],
        lifeEvent,
        walk,
      );
    }
    return;
  }
  const options = turn.replies
    .flatMap((r) => r.blocks)
    .flatMap((b) => (b.type === 'options' ? b.options : []));
  const waiting = next.node ? bundle.dialogs[lifeEvent]?.dialog.nodes[next.node] : undefined;
  if (options.length === 0 && waiting?.kind === 'input') {
    // A question in the person's own words: a known municipality, and one not given.
    for (const text of ['Tartu', 'ei tea']) {
      explore(next, { type: 'text', text }, [...path, `"${text}"`], lifeEvent, walk);
    }
    return;
  }
  expect(options.length, `dead end at ${where}`).toBeGreaterThan(0);
  for (const option of options) {
    explore(next, { type: 'choose', optionId: option.id }, [...path, option.id], lifeEvent, walk);
  }
}

describe('All dialogs', () => {
  for (const lifeEvent of LIFE_EVENTS) {
    for (const lang of LANGS) {
      it(`walks every path of ${lifeEvent} to an end in ${lang}`, () => {
        const walk: Walk = { paths: 0, services: new Set() };
        explore(
          assistant.initial(lang),
          { type: 'choose', optionId: `event:${lifeEvent}` },
          [],
          lifeEvent,
          walk,
        );
        const assumes = Object.values(bundle.dialogs[lifeEvent]?.dialog.nodes ?? {}).some(
          (node) => node.kind === 'question' && node.assume !== undefined,
        );
        const asking = ASKING_STARTS[lifeEvent]?.[lang];
        expect(!assumes || asking !== undefined, 'a start that asks the assumed question').toBe(
          true,
        );
        if (asking) {
          explore(
            assistant.initial(lang),
            { type: 'text', text: asking },
            [`"${asking}"`],
            lifeEvent,
            walk,
          );
        }
        expect(walk.paths).toBeGreaterThan(0);
        // Every service of the life event shows up on some path: none is unreachable content
        // (registering a marriage concluded abroad too, on the marriage dialog's abroad path).
        const own = bundle.catalog.lifeEvents.find((e) => e.id === lifeEvent)?.services ?? [];
        expect([...walk.services].sort()).toEqual(own.map((s) => s.id).sort());
      });
    }
  }
});
