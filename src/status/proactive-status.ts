/**
 * The proactive side of the status: when a signed-in person opens the chat, a system message
 * lists the state's pending offers and the steps waiting for them; when a status change
 * arrives (the webhook), it is pushed to that person's sessions. Wraps the chat service's
 * `open` so the dialog engine needs to know nothing of it.
 *
 * Also the one place that decides who may resume a signed-in conversation: only the same
 * verified person. Anyone else who presents its session id gets a new conversation.
 */
import type { AssistantReply } from '../core/assistant.js';
import type { PersonStatus } from '../core/status.js';
import type { Lang } from '../protocol/frames.js';
import type { Logger } from '../logger.js';
import type { ChatService, OpenRequest, StatusLookupFn } from '../session/chat-service.js';
import type { Identity, SessionStore } from '../session/session.js';
import { createMemorySubjectIndex, type SubjectIndex } from './subject-index.js';
import type { StatusTexts } from './status-texts.js';
import type { StatusEvent } from './status-events.js';

export interface ProactiveStatusOptions {
  chat: ChatService;
  store: SessionStore;
  lookupStatus: StatusLookupFn;
  texts: StatusTexts;
  logger: Logger;
  /** Told when a change arrives, so cached status is dropped. */
  invalidate?: (personalCode: string) => void;
  /** Which sessions belong to whom; default in memory (one instance). */
  index?: SubjectIndex;
}

export interface ProactiveStatus {
  /** The chat service with the proactive greeting and the resume rule. */
  chat: ChatService;
  /** Pushes a status change to the person's sessions; resolves with how many got it. */
  notify(event: StatusEvent): Promise<number>;
  /** Waits for greetings still under way (for a clean shutdown). */
  close(): Promise<void>;
}

export function createProactiveStatus(options: ProactiveStatusOptions): ProactiveStatus {
  const { chat: inner, store, lookupStatus, texts, logger } = options;
  const index = options.index ?? createMemorySubjectIndex();
  const pending = new Set<Promise<void>>();

  const track = (work: Promise<void>) => {
    const p = work.catch((err: unknown) => logger.warn({ err }, 'proactive status message failed'));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  async function greet(sessionId: string, identity: Identity, lang: Lang): Promise<void> {
    const lookup = await lookupStatus(identity);
    let reply: AssistantReply | undefined;
    if (lookup.type === 'unavailable') {
      reply = { text: texts.greeting(lang, 'unavailable', identity.name), blocks: [] };
    } else if (lookup.type === 'found') {
      reply = greetingReply(texts, lang, identity.name, lookup.status);
    }
    if (reply) await inner.push(sessionId, reply, 'system');
  }

  const chat: ChatService = {
    ...inner,
    async open(request) {
      let req: OpenRequest = request;
      let hadIdentity = false;
      if (request.sessionId) {
        const existing = await store.get(request.sessionId);
        hadIdentity = existing?.identity !== undefined;
        if (existing?.identity && existing.identity.subject !== request.identity?.subject) {
          logger.info(
            { sessionId: existing.id },
            'signed-in session not resumed by another person',
          );
          req = {
            lang: request.lang,
            channel: request.channel,
            ...(request.identity && { identity: request.identity }),
          };
          hadIdentity = false;
        }
      }
      const result = await inner.open(req);
      const identity = result.session.identity;
      if (identity) {
        await index.add(identity.subject, result.session.id);
        if (!result.resumed || !hadIdentity) {
          // After the transport has subscribed to the new session (it does so right after
          // `open` resolves, within the same turn of the event loop), so the message is both
          // kept in history and delivered live.
          const { id, lang } = result.session;
          track(
            new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
              greet(id, identity, lang),
            ),
          );
        }
      }
      return result;
    },
  };

  return {
    chat,
    async notify(event) {
      const code = event.personalCode;
      options.invalidate?.(code);
      let delivered = 0;
      for (const sessionId of await index.sessions(code)) {
        const session = await store.get(sessionId);
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
          await inner.push(sessionId, reply, 'system');
          delivered += 1;
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
