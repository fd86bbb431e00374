/** How the runner and the terminal chat talk to an assistant: in process, or over WebSocket. */
import { WebSocket } from 'ws';
import type { Assistant } from '../core/assistant.js';
import type { Lang, ReplyFrame, ServerFrame } from '../protocol/frames.js';
import { ServerFrame as ServerFrameSchema } from '../protocol/frames.js';
import { createChatService, createMemoryHub, type ChatService } from '../session/chat-service.js';
import { demoIdentity } from '../identity/demo-sign-in.js';
import type { StatusSetup } from '../status/create-status.js';
import { createMemorySessionStore, type Identity } from '../session/session.js';
import type { Logger } from '../logger.js';
import type { Classifier } from '../nlu/types.js';
import { createHandover } from '../handover/handover.js';
import { createMemoryHandoverQueue } from '../handover/queue.js';
import { createTopicDetector } from '../handover/topic.js';

export interface Turn {
  replies: ReplyFrame[];
}

export interface StartOptions {
  lang: Lang;
  /** A demo person id (fixture status panel). */
  identity?: string;
  /** Runs with the status panel unreachable. */
  statusPanel?: 'up' | 'down';
}

export interface ConversationDriver {
  start(options: StartOptions): Promise<Turn>;
  say(text: string): Promise<Turn>;
  choose(optionId: string): Promise<Turn>;
  setLang(lang: Lang): Promise<Turn>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  assistant: Assistant<unknown>;
  logger: Logger;
  /**
   * The status side (panel, lookup, proactive greeting, demo persons) for a conversation;
   * `panelDown` asks for one whose panel cannot be reached. Absent: everyone is signed out.
   */
  status?: (panelDown: boolean) => StatusSetup;
  /** With it, a person waiting for staff who names a life event leaves the queue for it. */
  classifier?: Classifier;
}

/** Runs the real session layer, status side and assistant in this process. */
export function createInProcessDriver(options: InProcessOptions): ConversationDriver {
  const store = createMemorySessionStore({ ttlMs: 3_600_000 });
  const hub = createMemoryHub();
  let chat: ChatService | undefined;
  let status: StatusSetup | undefined;
  let sessionId: string | undefined;
  let unsubscribe: (() => void) | undefined;
  let collected: ReplyFrame[] = [];
  let counter = 0;

  const turn = async (work: (chat: ChatService, id: string) => Promise<unknown>): Promise<Turn> => {
    if (!chat || !sessionId) throw new Error('start the conversation first');
    collected = [];
    await work(chat, sessionId);
    await status?.idle();
    return { replies: collected };
  };

  return {
    async start(start) {
      status = options.status?.(start.statusPanel === 'down');
      const proactive = status?.proactive;
      // The live queue as in the server, staff always in (no agent ever takes a conversation).
      const handover = createHandover({
        queue: createMemoryHandoverQueue(),
        isOpen: () => true,
        // Never consulted: staff are always in here.
        officeWhen: () => ({ hours: '', back: '' }),
        saveContactRequest: () => Promise.resolve(),
        ...(options.classifier && { understand: createTopicDetector(options.classifier) }),
        logger: options.logger,
      });
      const service = createChatService({
        assistant: options.assistant,
        store,
        hub,
        logger: options.logger,
        ...(status && { lookupStatus: status.lookupStatus }),
        ...(proactive && {
          greet: (who: Identity, lang: Lang) => proactive.greet(who, lang),
        }),
        handover: handover.routing,
        consumers: [handover.consume, ...(proactive ? [proactive.consume] : [])],
      });
      handover.bind(service);
      proactive?.bind(service);
      chat = service;
      let identity: Identity | undefined;
      if (start.identity) {
        identity = status && demoIdentity(status.demoPersons, start.identity);
        if (!identity) throw new Error(`unknown demo identity "${start.identity}"`);
      }
      const result = await service.open({
        lang: start.lang,
        channel: 'script',
        ...(identity && { identity }),
      });
      const id = result.session.id;
      sessionId = id;
      collected = result.replay.filter((f): f is ReplyFrame => f.type === 'reply');
      unsubscribe = hub.subscribe(id, (f) => {
        if (f.type === 'reply') collected.push(f);
      });
      // The proactive greeting of a signed-in person follows the opening.
      await status?.idle();
      return { replies: collected };
    },
    say: (text) => turn((c, id) => c.handle(id, { type: 'message', id: `m${++counter}`, text })),
    choose: (optionId) =>
      turn((c, id) => c.handle(id, { type: 'choose', id: `m${++counter}`, optionId })),
    setLang: (lang) => turn((c, id) => c.handle(id, { type: 'set-lang', lang })),
    async close() {
      unsubscribe?.();
      await status?.close();
      await store.close();
      await hub.close();
    },
  };
}

export interface WsDriverOptions {
  url: string;
  /** Resolves a demo identity id to a token the server accepts (AUTH_MODE=demo). */
  tokenFor?: (id: string) => Promise<string>;
  /** How long to wait for the assistant to finish a turn. */
  timeoutMs?: number;
}

/** Talks to a running server over its WebSocket, as the widget does. */
export function createWsDriver(options: WsDriverOptions): ConversationDriver {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let ws: WebSocket | undefined;
  let frames: ServerFrame[] = [];
  let waiter: (() => void) | undefined;
  let counter = 0;

  const onFrame = (data: Buffer) => {
    const parsed = ServerFrameSchema.safeParse(JSON.parse(data.toString('utf8')));
    if (!parsed.success) return;
    frames.push(parsed.data);
    waiter?.();
  };

  /** Waits until `done` holds over the frames received, then returns the turn's replies. */
  const waitFor = (done: (fs: ServerFrame[]) => boolean) =>
    new Promise<Turn>((resolve, reject) => {
      const check = () => {
        const error = frames.find((f) => f.type === 'error');
        if (error && error.type === 'error' && !error.code.startsWith('AUTH_')) {
          waiter = undefined;
          clearTimeout(timer);
          reject(new Error(`server error ${error.code}: ${error.message}`));
          return;
        }
        if (done(frames)) {
          waiter = undefined;
          clearTimeout(timer);
          resolve({ replies: frames.filter((f): f is ReplyFrame => f.type === 'reply') });
        }
      };
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(new Error(`no complete answer within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter = check;
      check();
    });

  // A turn is complete when the typing indicator goes off after the user frame.
  const send = (frame: object) => {
    frames = [];
    ws?.send(JSON.stringify(frame));
    return waitFor((fs) => fs.some((f) => f.type === 'typing' && !f.on));
  };

  return {
    async start(start) {
      if (start.statusPanel === 'down')
        throw new Error('statusPanel: down can only be run in process');
      const token = start.identity ? await options.tokenFor?.(start.identity) : undefined;
      if (start.identity && !token) throw new Error('this server cannot sign in demo identities');
      ws = new WebSocket(options.url);
      ws.on('message', onFrame);
      await new Promise<void>((resolve, reject) => {
        ws?.once('open', () => resolve());
        ws?.once('error', reject);
      });
      frames = [];
      ws.send(JSON.stringify({ type: 'hello', v: 1, lang: start.lang, ...(token && { token }) }));
      // The greeting may arrive in more than one reply; wait for a short quiet spell.
      await waitFor(
        (fs) => fs.some((f) => f.type === 'welcome') && fs.some((f) => f.type === 'reply'),
      );
      await new Promise((r) => setTimeout(r, 150));
      return { replies: frames.filter((f): f is ReplyFrame => f.type === 'reply') };
    },
    say: (text) => send({ type: 'message', id: `m${++counter}`, text }),
    choose: (optionId) => send({ type: 'choose', id: `m${++counter}`, optionId }),
    async setLang(lang) {
      frames = [];
      ws?.send(JSON.stringify({ type: 'set-lang', lang }));
      await new Promise((r) => setTimeout(r, 300));
      return { replies: frames.filter((f): f is ReplyFrame => f.type === 'reply') };
    },
    close() {
      return new Promise((resolve) => {
        if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
}
