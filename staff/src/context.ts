import type { Api, Me } from './api.js';

export type Section = 'conversations' | 'live' | 'analytics' | 'training' | 'admin';

export interface Ctx {
  api: Api;
  me: Me;
  /** Where the current section renders. */
  view: HTMLElement;
  status: (message: string) => void;
  /** Shows an error in the error line; null clears it. */
  error: (err: unknown) => void;
  go: (section: Section) => void;
  openTranscript: (id: string) => void;
  /** Runs when the person leaves the section (closes sockets, timers). */
  onLeave: (cleanup: () => void) => void;
}

export const can = {
  transcriptsAll: (me: Me) => me.role !== 'agent',
  live: (me: Me) => me.role === 'agent' || me.role === 'admin',
  training: (me: Me) => me.role !== 'agent',
  analytics: (me: Me) => me.role !== 'agent',
  admin: (me: Me) => me.role === 'admin',
};
