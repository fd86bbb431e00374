/**
 * The proactive side of the status: when a person signs in (a new conversation, or one resumed
 * and signed in), a system message in the same turn lists the state's pending offers and the
 * steps waiting for them (`greet`, called by the pipeline); when a status change arrives (the
 * webhook), it is pushed to that person's conversations (`notify`). The dialog engine knows
 * nothing of it. Who may resume a signed-in conversation is decided in one place for every
 * channel: src/session/resume.ts.
 */
import type { AssistantReply } from '../core/assistant.js';
import type { PersonStatus } from '../core/status.js';
import type { Lang } from '../protocol/frames.js';
import type { Logger } from '../logger.js';
import type { ChatService, CommittedTurn, StatusLookupFn } from '../session/chat-service.js';
import type { Identity } from '../session/session.js';
import { createMemorySubjectIndex, type SubjectIndex } from './subject-index.js';
import type { StatusTexts } from './status-texts.js';
import type { StatusEvent } from './status-events.js';

export interface ProactiveStatusOptions {
  lookupStatus: StatusLookupFn;
  texts: StatusTexts;
  logger: Logger;
  /** Told when a change arrives, so cached status is dropped. */
  invalidate?: (personalCode: string) => void;
  /** Which sessions belong to whom; default in memory (one instance). */
  index?: SubjectIndex;
}

export interface ProactiveStatus {
  /** The greeting for a person who signs in; undefined when nothing is pending. */
  greet(identity: Identity, lang: Lang): Promise<AssistantReply | undefined>;
  /** Consumes committed turns: a conversation that was signed in joins the person's index. */
  consume: (turn: CommittedTurn) => void;
  /** Binds the chat service the change messages are pushed through. */
  bind(chat: ChatService): void;
  /** Pushes a status change to the person's sessions; resolves with how many got it. */
  notify(event: StatusEvent): Promise<number>;
  /** Waits for index updates still under way (for a clean shutdown). */
  close(): Promise<void>;
}

export function createProactiveStatus(options: ProactiveStatusOptions): ProactiveStatus {
  const { lookupStatus, texts, logger } = options;
  const index = options.index ?? createMemorySubjectIndex();
  const pending = new Set<Promise<void>>();
  let chat: ChatService | undefined;

  const track = (work: Promise<void>) => {
    const p = work.catch((err: unknown) => logger.warn({ err }, 'subject index not updated'));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  return {
    async greet(identity, lang) {
      const lookup = await lookupStatus(identity);
      if (lookup.type === 'unavailable')
        return { text: texts.greeting(lang, 'unavailable', identity.name), blocks: [] };
      if (lookup.type === 'found') return greetingReply(texts, lang, identity.name, lookup.status);
      return undefined;
    },
    consume(turn) {
      const identity = turn.session.identity;
      if (!identity || !turn.events.some((e) => e.type === 'signed-in')) return;
      track(index.add(identity.subject, turn.session.id));
    },
    bind(service) {
      chat = service;
    },
    async notify(event) {
      const code = event.personalCode;
      options.invalidate?.(code);
      if (!chat) return 0;
      let delivered = 0;
      for (const sessionId of await index.sessions(code)) {
        const session = await chat.load(sessionId);
        if (session?.identity?.subject !== code) {
          await index.remove(code, sessionId);
          continue;
        }
        const lang = session.lang;
        const reply: AssistantReply =
          event.type === 'service-changed'
            ? {
                text: texts.serviceChanged(lang, event.lifeEvent, event.service),
                blocks: [
                  {
                    type: 'status',
                    title: texts.title(lang),
                    items: [texts.serviceItem(lang, event.service)],
                  },
                ],
              }
            : {
                text: texts.offerCreated(lang, event.offer),
                blocks: [
                  {
                    type: 'status',
                    title: texts.title(lang),
                    items: [texts.offerItem(lang, event.offer)],
                  },
                ],
              };
        try {
          // Only while the conversation is still this person's.
          const turn = await chat.push(sessionId, reply, 'system', {
            onlyIf: (s) => s.identity?.subject === code,
          });
          if (turn) delivered += 1;
        } catch (err) {
          logger.warn({ err, sessionId }, 'status change not delivered');
          await index.remove(code, sessionId);
        }
      }
      return delivered;
    },
    async close() {
      await Promise.all([...pending]);
    },
  };
}

/** Offers and open actions as one status block; undefined when nothing is pending. */
export function greetingReply(
  texts: StatusTexts,
  lang: Lang,
  name: string,
  status: PersonStatus,
): AssistantReply | undefined {
  const offers = status.offers.map((o) => texts.offerItem(lang, o));
  const offered = new Set(status.offers.map((o) => `${o.lifeEvent}/${o.serviceId}`));
  const actions = status.lifeEvents.flatMap((le) =>
    le.services
      .filter(
        (s) =>
          s.state === 'action-needed' ||
          (s.state === 'offered' && !offered.has(`${le.lifeEvent}/${s.serviceId}`)),
      )
      .map((s) => texts.serviceItem(lang, s)),
  );
  if (offers.length === 0 && actions.length === 0) return undefined;
  const key =
    offers.length > 0 && actions.length > 0
      ? 'offersAndActions'
      : offers.length > 0
        ? 'offersOnly'
        : 'actionsOnly';
  return {
    text: texts.greeting(lang, key, name),
    blocks: [{ type: 'status', title: texts.title(lang), items: [...offers, ...actions] }],
  };
}
