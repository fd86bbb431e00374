/**
 * A local government's service in the person's municipality says that municipality's own
 * figures (Tallinn's 250 € and 6 months from the death), with their dates, where
 * dialogs/municipalities.yaml has them (review 19 F-15), and the generic deadline otherwise. One
 * place for the chat's plan text, its checklist card and the plan page (`/plan/{id}`), so all
 * three say the same deadline. Pure.
 */
import type { Lang } from '../protocol/frames.js';
import type { CatalogFact, CatalogService, Municipality, PlanService } from './schema.js';
import type { Translate } from './i18n.js';
import { factSentences } from './direct.js';
import { serviceSummary, serviceText } from './render.js';

export interface LocalFigures {
  /** The service's summary, then the municipality's own figures other than deadlines. */
  summaryOf: (s: PlanService) => string;
  /** The municipality's own deadline where it has one, else the service's generic one. */
  deadlineOf: (s: PlanService) => string | undefined;
}

/**
 * `own`: the person's municipality, if known. `tc`: catalog texts, `tv`: conversation texts
 * (dates and units), both in `lang`. A draft is never said.
 */
export function localFigures(
  own: Municipality | undefined,
  lang: Lang,
  tc: Translate,
  tv: Translate,
): LocalFigures {
  const localFacts = (s: CatalogService) =>
    s.local ? (own?.facts?.[s.id] ?? []).filter((f) => f.status !== 'draft') : [];
  const isDeadline = (f: CatalogFact) => f.kind === 'deadline';
  // Without the source link: the plan links the service's page (the municipality's own).
  // A date shared by consecutive facts is said once, after the last (review 23b G-7).
  const sentences = (s: CatalogService, facts: CatalogFact[]) =>
    factSentences(s, facts, lang, tc, tv, false);
  return {
    summaryOf: (s) =>
      [
        serviceSummary(s, tc),
        ...sentences(
          s,
          localFacts(s).filter((f) => !isDeadline(f)),
        ),
      ].join(' '),
    deadlineOf: (s) => {
      const deadlines = localFacts(s).filter(isDeadline);
      if (deadlines.length > 0) return sentences(s, deadlines).join(' ');
      return serviceText(s, 'deadline', tc);
    },
  };
}
