/** How the runner and the terminal chat talk to an assistant: in process, or over WebSocket. */
import { WebSocket } from 'ws';
import type { Assistant } from '../core/assistant.js';
import type { Lang, ReplyFrame, ServerFrame } from '../protocol/frames.js';
import { ServerFrame as ServerFrameSchema } from '../protocol/frames.js';
import {
  createChatService,
  createMemoryHub,
  type StatusLookupFn,
} from '../session/chat-service.js';
import { createMemorySessionStore, type Identity } from '../session/session.js';
import type { Logger } from '../logger.js';

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
  /** Demo identities by id, for scripts that are signed in. */
  identities?: (id: string) => Identity | undefined;
  lookupStatus?: StatusLookupFn;
}

/** Runs the real session layer and assistant in this process: no network. */
export function createInProcessDriver(options: InProcessOptions): ConversationDriver {
  const store = createMemorySessionStore({ ttlMs: 3_600_000 });
  const hub = createMemoryHub();
  let panelDown = false;
  const lookupStatus: StatusLookupFn = (identity, lifeEvent) =>
    // Down matters only to the signed in: for anyone else the answer is "sign in" anyway.
    panelDown && identity
      ? Promise.resolve({ type: 'unavailable' })
      : (options.lookupStatus?.(identity, lifeEvent) ?? Promise.resolve({ type: 'signed-out' }));
  const chat = createChatService({
    assistant: options.assistant,
    store,
    hub,
    logger: options.logger,
    lookupStatus,
  });
  let sessionId: string | undefined;
  let unsubscribe: (() => void) | undefined;
  let collected: ReplyFrame[] = [];
  let counter = 0;

  const turn = async (work: () => Promise<void>): Promise<Turn> => {
    collected = [];
    await work();
    return { replies: collected };
  };
  const current = () => {
    if (!sessionId) throw new Error('start the conversation first');
    return sessionId;
  };

  return {
    async start(start) {
      panelDown = start.statusPanel === 'down';
      let identity: Identity | undefined;
      if (start.identity) {
        identity = options.identities?.(start.identity);
        if (!identity) throw new Error(`unknown demo identity "${start.identity}"`);
      }
      const result = await chat.open({
        lang: start.lang,
        channel: 'script',
        ...(identity && { identity }),
      });
      sessionId = result.session.id;
      unsubscribe = hub.subscribe(sessionId, (f) => {
        if (f.type === 'reply') collected.push(f);
      });
      return { replies: result.replay.filter((f): f is ReplyFrame => f.type === 'reply') };
    },
    say: (text) =>
      turn(() => chat.handle(current(), { type: 'message', id: `m${++counter}`, text })),
    choose: (optionId) =>
      turn(() => chat.handle(current(), { type: 'choose', id: `m${++counter}`, optionId })),
    setLang: (lang) => turn(() => chat.handle(current(), { type: 'set-lang', lang })),
    async close() {
      unsubscribe?.();
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
