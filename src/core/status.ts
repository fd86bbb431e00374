import type { Lang, ServiceState } from '../protocol/frames.js';
import type { LifeEventId } from '../nlu/types.js';

/** One sub-service's state in a person's life event, as the status panel reports it. */
export interface ServiceStatus {
  serviceId: string;
  state: ServiceState;
  /** ISO date of the last change. */
  date?: string;
  /** The next step in Estonian (the panel's own language). */
  nextStep?: string;
  /** The next step by language, when the panel gives translations; pick the session's. */
  nextStepByLang?: Partial<Record<Lang, string>>;
  url?: string;
}

export interface LifeEventStatus {
  lifeEvent: LifeEventId;
  /** ISO date when the life event started for this person (e.g. the application date). */
  startedAt?: string;
  services: ServiceStatus[];
}

export interface ProactiveOffer {
  serviceId: string;
  lifeEvent: LifeEventId;
  /** ISO date when the state made the offer. */
  offeredAt?: string;
  /** ISO date until which the offer stands, when it has one. */
  expires?: string;
  /** Where to accept or decline it. */
  url?: string;
}

export interface PersonStatus {
  lifeEvents: LifeEventStatus[];
  offers: ProactiveOffer[];
}

/**
 * The outcome of a status lookup, as the composition root hands it to the core. When the
 * lookup was for one life event, `status` holds only that life event and its offers.
 */
export type StatusLookup =
  { type: 'found'; status: PersonStatus } | { type: 'signed-out' } | { type: 'unavailable' };
