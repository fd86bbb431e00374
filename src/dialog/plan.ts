/**
 * A plan rebuilt from a conversation's answers alone: which questions were answered how, and
 * which services the dialog's checklist lists for those answers. Pure; the public plan page
 * (/plan/{id}) shows it without the conversation's messages or any free text.
 */
import type { Lang } from '../protocol/frames.js';
import type { LifeEventId } from '../nlu/types.js';
import type { DialogBundle } from './load.js';
import {
  checklistEntry,
  conditionHolds,
  planService,
  type PlanService,
  type CatalogService,
  type Condition,
  type DialogNode,
} from './schema.js';
import { indexLinks } from './links.js';

/** What the plan page may know of a conversation: its language and the dialog's answers. */
export interface PlanAnswers {
  lang: Lang;
  lifeEvent?: LifeEventId;
  vars: Record<string, string>;
}

export interface PlanAnswer {
  /** The question's text key (dialog namespace). */
  question: string;
  /** The chosen option's label key (dialog namespace), or a municipality's name. */
  answer: { key: string } | { text: string };
}

export interface Plan {
  lifeEvent: LifeEventId;
  answers: PlanAnswer[];
  /** The services listed for these answers, in the dialog's order (empty before the list). */
  services: PlanService[];
  /** The municipality id the answers name, if any (for local-government links). */
  municipality?: string;
  complete: boolean;
}

/** Every answer the walk may read: option ids, and `signedIn`/`status` are never known here. */
function holds(when: Condition, vars: Record<string, string>): boolean {
  return conditionHolds(when, (name) => vars[name]);
}

export function planOf(bundle: DialogBundle, answers: PlanAnswers): Plan | undefined {
  const lifeEvent = answers.lifeEvent;
  if (!lifeEvent) return undefined;
  const dialog = bundle.dialogs[lifeEvent]?.dialog;
  if (!dialog) return undefined;
  const services = new Map<string, CatalogService>();
  for (const event of bundle.catalog.lifeEvents) {
    for (const s of event.services) services.set(s.id, s);
  }
  const links = indexLinks(bundle.municipalities);
  const plan: Plan = { lifeEvent, answers: [], services: [], complete: false };
  const seen = new Set<string>();
  let id: string | undefined = dialog.start;
  while (id && !seen.has(id)) {
    seen.add(id);
    const node: DialogNode | undefined = dialog.nodes[id];
    if (!node) break;
    switch (node.kind) {
      case 'message':
      case 'status':
        id = node.next;
        break;
      case 'question': {
        const option: { id: string; label?: string; goto: string } | undefined = node.options.find(
          (o) => o.id === answers.vars[node.var],
        );
        if (!option) return plan;
        plan.answers.push({
          question: node.text,
          answer: { key: option.label ?? `option.${option.id}` },
        });
        id = option.goto;
        break;
      }
      case 'input': {
        const value = answers.vars[node.var];
        if (value === undefined) return plan;
        // Free text never reaches the page; a municipality is shown by its official name.
        const place = node.var === 'municipality' ? links.municipality(value) : undefined;
        if (place && place.id !== 'all') {
          plan.municipality = place.id;
          plan.answers.push({ question: node.text, answer: { text: place.name[answers.lang] } });
        }
        id = node.next;
        break;
      }
      case 'branch':
        id = node.cases.find((c) => holds(c.when, answers.vars))?.goto ?? node.otherwise;
        break;
      case 'checklist':
        for (const entry of node.services) {
          const { service, when, as } = checklistEntry(entry);
          const found = services.get(service);
          if (
            found &&
            (!when || holds(when, answers.vars)) &&
            !plan.services.some((s) => s.id === found.id)
          ) {
            plan.services.push(planService(found, as));
          }
        }
        plan.complete = true;
        id = node.next;
        break;
      case 'end':
      case 'handover':
        id = undefined;
        break;
    }
  }
  return plan;
}
