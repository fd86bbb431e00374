import type { ServiceState } from '../protocol/frames.js';
import type { LifeEventId } from '../nlu/types.js';

/** One sub-service's state in a person's life event, as the status panel reports it. */
export interface ServiceStatus {
  serviceId: string;
  state: ServiceState;
  /** ISO date of the last change. */
  date?: string;
  nextStep?: string;
  url?: string;
}

export interface LifeEventStatus {
  lifeEvent: LifeEventId;
  services: ServiceStatus[];
}

export interface ProactiveOffer {
  serviceId: string;
  lifeEvent: LifeEventId;
  /** ISO date until which the offer stands, when it has one. */
  expires?: string;
}

export interface PersonStatus {
  lifeEvents: LifeEventStatus[];
  offers: ProactiveOffer[];
}

/** The outcome of a status lookup, as the composition root hands it to the core. */
export type StatusLookup =
  { type: 'found'; status: PersonStatus } | { type: 'signed-out' } | { type: 'unavailable' };
