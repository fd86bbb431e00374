/**
 * The widget's connection to the chat server: socket lifecycle, hello/resume, reconnect with
 * backoff, the outbox of unacknowledged messages and the seq-ordered history. No DOM: the
 * socket, storage, timers, randomness and ids are injected, so it runs under vitest with a
 * fake socket.
 *
 * Guarantees (see docs/widget.md): a message typed offline is kept (also across a reload, in
 * sessionStorage) and sent once the server has said welcome; an unacknowledged message is
 * resent with the same id after a reconnect, and the server drops the duplicate; history
 * frames are keyed by seq, so a replayed frame is never shown twice.
 */
import { LIMITS, PROTOCOL_VERSION } from '../../src/protocol/constants.js';
import type { ClientFrame, ErrorCode, HistoryFrame, Lang } from '../../src/protocol/frames.js';
import { checkServerFrame } from './check.js';

export type ConnectionStatus =
  /** Not started, or stopped with disconnect(). */
  | 'idle'
  | 'connecting'
  /** Welcomed: frames flow. */
  | 'online'
  /** Lost; a reconnect is scheduled (see `retryInMs`). */
  | 'offline'
  /** Closed by the server for idleness; reconnects on the next action. */
  | 'paused';

export interface SocketEvents {
  open(): void;
  message(data: string): void;
  close(code: number): void;
}

export interface SocketHandle {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, events: SocketEvents) => SocketHandle;

/** The subset of the Web Storage API used (sessionStorage in the browser). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface OutboxItem {
  /** Client id: the server acknowledges it with a `user` frame and drops a resent duplicate. */
  id: string;
  kind: 'message' | 'choose';
  /** What the person sees while the item is unacknowledged (the option's label for choose). */
  text: string;
  optionId?: string;
  state: 'queued' | 'sent' | 'failed';
}

export interface Notice {
  code: ErrorCode | 'EXPIRED';
}

export interface ChatConnectionOptions {
  /** ws:// or wss:// URL of the chat socket. */
  url: string;
  lang: Lang;
  token?: string;
  createSocket?: SocketFactory;
  storage?: StorageLike;
  timers?: Timers;
  random?: () => number;
  newId?: () => string;
  /** Reconnect delays: initial * 2^attempt, capped at max, with jitter. Default 1 s .. 30 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** A connection that has not said welcome this long is dropped and retried. Default 10 s. */
  connectTimeoutMs?: number;
  /** A sent message not acknowledged this long means a dead socket: reconnect. Default 15 s. */
  ackTimeoutMs?: number;
  /**
   * Heartbeat (docs/widget.md): while `active` (the chat is open on a visible page) a `ping`
   * follows every `pingMs` without a frame from the server, and `deadMs` without one means the
   * connection is lost: a network that died silently shows as offline within 3 s. In the
   * `background` (closed or hidden) the same at a slow pace, which costs the server little.
   */
  heartbeat?: { active: Beat; background: Beat };
  /**
   * After a reload of a signed-in conversation, how long to wait for the host page to hand
   * the token again (setIdentityToken) before going on signed out. Default 5 s.
   */
  tokenWaitMs?: number;
  /** Called after every change of the observable state. */
  onChange?: () => void;
  /** Called for each history frame added; `live` is false for frames replayed on resume. */
  onFrame?: (frame: HistoryFrame, live: boolean) => void;
}

export interface Beat {
  /** A ping after this long without a frame from the server, and again as long as none comes. */
  pingMs: number;
  /** This long without a frame from the server: the connection is lost. */
  deadMs: number;
}

/** 2.5 s at most from the last frame to "offline" while the person looks at the chat. */
export const HEARTBEAT = {
  active: { pingMs: 1000, deadMs: 2500 },
  background: { pingMs: 10_000, deadMs: 13_000 },
} as const satisfies { active: Beat; background: Beat };

/** What survives a reload, in sessionStorage; anything else read there counts as nothing. */
interface Persisted {
  sessionId?: string;
  outbox: { id: string; kind: 'message' | 'choose'; text: string; optionId?: string }[];
  feedback: number[];
  /** Answers given "not helpful" / "wrong topic", by seq. */
  rated?: number[];
  /** The session was signed in: after a reload wait for the host page's token before resuming. */
  signedIn?: boolean;
}

function isPersisted(v: unknown): v is Persisted {
  const p = v as Partial<Persisted> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    (p.sessionId === undefined || typeof p.sessionId === 'string') &&
    Array.isArray(p.feedback) &&
    p.feedback.every((n) => typeof n === 'number') &&
    (p.rated === undefined ||
      (Array.isArray(p.rated) && p.rated.every((n) => typeof n === 'number'))) &&
    (p.signedIn === undefined || typeof p.signedIn === 'boolean') &&
    Array.isArray(p.outbox) &&
    p.outbox.every(
      (i) =>
        typeof i.id === 'string' &&
        (i.kind === 'message' || i.kind === 'choose') &&
        typeof i.text === 'string' &&
        (i.optionId === undefined || typeof i.optionId === 'string'),
    )
  );
}

const browserSocket: SocketFactory = (url, events) => {
  const ws = new WebSocket(url);
  ws.onopen = () => events.open();
  ws.onmessage = (e) => events.message(typeof e.data === 'string' ? e.data : '');
  ws.onclose = (e) => events.close(e.code);
  return { send: (d) => ws.send(d), close: (c, r) => ws.close(c, r) };
};

const browserTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Close code the server uses for an idle socket (src/transport/ws-server.ts). */
const CLOSE_IDLE = 4000;

export class ChatConnection {
  status: ConnectionStatus = 'idle';
  sessionId: string | undefined;
  lang: Lang;
  /** Display name when the session is signed in. */
  identityName: string | undefined;
  /** History in seq order, each seq once. */
  frames: HistoryFrame[] = [];
  outbox: OutboxItem[] = [];
  typing = false;
  notice: Notice | undefined;
  /** Delay of the scheduled reconnect while offline. */
  retryInMs = 0;
  /** Seqs of feedback requests already answered. */
  feedbackDone = new Set<number>();
  /** Seqs of assistant answers marked "not helpful" or "wrong topic". */
  rated = new Set<number>();
  /** The conversation is signed in (or was, before a reload). */
  signedIn = false;

  private readonly opts: ChatConnectionOptions;
  private readonly storageKey: string;
  private readonly timers: Timers;
  private socket: SocketHandle | undefined;
  private token: string | undefined;
  private seqs = new Set<number>();
  private liveFrom = Infinity;
  private langChosen = false;
  private attempt = 0;
  private control: ClientFrame[] = [];
  private retryTimer: unknown;
  private connectTimer: unknown;
  private ackTimer: unknown;
  private tokenTimer: unknown;
  private pingTimer: unknown;
  private deadTimer: unknown;
  /** The person is looking at the chat: the fast heartbeat. */
  private active = false;

  constructor(options: ChatConnectionOptions) {
    this.opts = options;
    this.lang = options.lang;
    this.token = options.token;
    this.timers = options.timers ?? browserTimers;
    this.storageKey = `life-event-chat:${options.url}`;
    const saved = this.load();
    if (saved) {
      this.sessionId = saved.sessionId;
      this.outbox = saved.outbox.map((i) => ({ ...i, state: 'queued' }));
      this.feedbackDone = new Set(saved.feedback);
      this.rated = new Set(saved.rated);
      this.signedIn = saved.signedIn === true;
    }
  }

  get lastSeq(): number {
    return this.frames.at(-1)?.seq ?? 0;
  }

  /** Opens the socket unless one is open or opening. */
  connect(): void {
    if (this.socket) return;
    this.timers.clear(this.retryTimer);
    this.setStatus('connecting');
    if (this.signedIn && this.token === undefined && this.sessionId !== undefined) {
      // A signed-in conversation resumes only with the same person's token: give the host
      // page time to hand it again; without it the server would start a new conversation.
      this.tokenTimer ??= this.timers.set(() => {
        this.tokenTimer = undefined;
        this.signedIn = false;
        this.forget();
        this.connect();
      }, this.opts.tokenWaitMs ?? 5000);
      return;
    }
    const create = this.opts.createSocket ?? browserSocket;
    let socket: SocketHandle | undefined = undefined;
    // Events of a replaced socket are ignored: only the current one may change state.
    const current = () => socket !== undefined && socket === this.socket;
    socket = create(this.opts.url, {
      open: () => current() && this.hello(),
      message: (data) => current() && this.receive(data),
      close: (code) => current() && this.lost(code),
    });
    this.socket = socket;
    this.connectTimer = this.timers.set(() => this.drop(), this.opts.connectTimeoutMs ?? 10_000);
  }

  /** Closes for good (the element left the page); connect() starts again. */
  disconnect(): void {
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'widget closed');
    this.typing = false;
    this.setStatus('idle');
  }

  /**
   * The chat is in view (open on a visible page) or not: sets the heartbeat's pace. Coming into
   * view pings at once, so a connection that died while hidden shows as lost within 2.5 s.
   */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (this.status !== 'online') return;
    if (active) {
      this.write({ type: 'ping' });
      this.timers.clear(this.deadTimer);
      this.deadTimer = this.timers.set(() => this.drop(), this.beat().deadMs);
      this.timers.clear(this.pingTimer);
      this.pingTimer = this.timers.set(() => this.ping(), this.beat().pingMs);
    } else this.alive();
  }

  /** The browser says it is offline: show it at once instead of waiting for a timeout. */
  offline(): void {
    if (this.socket) this.drop();
  }

  /** The browser is online again: reconnect now, replacing an attempt made while offline. */
  online(): void {
    if (this.status === 'connecting' && this.tokenTimer === undefined) this.restart();
    else this.retryNow();
  }

  /** Reconnects now instead of waiting for the backoff (the retry button, the browser's online event). */
  retryNow(): void {
    if (this.status === 'offline' || this.status === 'paused') this.connect();
  }

  /** Queues a message; it is sent now when online, else after the next welcome. */
  send(text: string): boolean {
    const clean = text.trim();
    if (!clean || clean.length > LIMITS.textMaxChars) return false;
    this.enqueue({ id: this.newId(), kind: 'message', text: clean, state: 'queued' });
    return true;
  }

  /** Picks a quick reply; `label` is shown until the server's acknowledgement replaces it. */
  choose(optionId: string, label: string): void {
    this.enqueue({ id: this.newId(), kind: 'choose', text: label, optionId, state: 'queued' });
  }

  setLang(lang: Lang): void {
    if (lang === this.lang && this.langChosen) return;
    this.lang = lang;
    this.langChosen = true;
    this.sendControl({ type: 'set-lang', lang });
  }

  /** Answers the feedback request of the reply with this seq. */
  sendFeedback(seq: number, rating: number, comment?: string): void {
    this.feedbackDone.add(seq);
    this.save();
    const c = comment?.trim().slice(0, LIMITS.commentMaxChars);
    this.sendControl({ type: 'feedback', rating, ...(c ? { comment: c } : {}) });
  }

  /** "Not helpful" / "wrong topic" on the assistant answer with this seq. */
  rateAnswer(seq: number, reason: 'not-helpful' | 'wrong-topic'): void {
    this.rated.add(seq);
    this.save();
    this.sendControl({ type: 'answer-feedback', seq, reason });
  }

  /**
   * Sets the identity token of the host page's sign-in and reconnects so hello carries it.
   * Without a token (sign-out) the conversation is forgotten, so the next person at this
   * browser cannot read it.
   */
  setToken(token: string | undefined): void {
    if (token === this.token) return;
    this.token = token;
    if (token === undefined) {
      this.signedIn = false;
      this.forget();
    }
    if (this.tokenTimer !== undefined) {
      this.timers.clear(this.tokenTimer);
      this.tokenTimer = undefined;
      this.connect();
    } else if (this.status !== 'idle') this.restart();
  }

  dismissNotice(): void {
    this.notice = undefined;
    this.changed();
  }

  // --- internals -------------------------------------------------------------------------

  private enqueue(item: OutboxItem): void {
    this.notice = undefined;
    this.outbox.push(item);
    this.save();
    if (this.status === 'online') this.transmit(item);
    else if (this.status === 'idle' || this.status === 'paused') this.connect();
    this.changed();
  }

  private sendControl(frame: ClientFrame): void {
    if (this.status === 'online') this.write(frame);
    else this.control.push(frame);
    this.changed();
  }

  private hello(): void {
    this.write({
      type: 'hello',
      v: PROTOCOL_VERSION,
      lang: this.lang,
      ...(this.sessionId !== undefined && { sessionId: this.sessionId, lastSeq: this.lastSeq }),
      ...(this.token !== undefined && { token: this.token }),
    });
  }

  private receive(data: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const frame = checkServerFrame(raw);
    if (!frame) return;
    // Anything from the server shows the connection is alive.
    if (this.status === 'online') this.alive();
    if (frame.type === 'pong') return;
    switch (frame.type) {
      case 'welcome': {
        this.timers.clear(this.connectTimer);
        if (!frame.resumed || frame.sessionId !== this.sessionId) this.resetHistory();
        this.sessionId = frame.sessionId;
        this.identityName = frame.identity?.name;
        this.signedIn = frame.identity !== undefined;
        this.liveFrom = frame.lastSeq;
        this.attempt = 0;
        if (this.langChosen && frame.lang !== this.lang)
          this.control.unshift({ type: 'set-lang', lang: this.lang });
        else this.lang = frame.lang;
        this.save();
        this.setStatus('online');
        this.alive();
        for (const f of this.control.splice(0)) this.write(f);
        for (const item of this.outbox) if (item.state !== 'failed') this.transmit(item);
        break;
      }
      case 'user':
        this.outbox = this.outbox.filter((i) => i.id !== frame.id);
        this.save();
        this.timers.clear(this.ackTimer);
        if (this.outbox.some((i) => i.state === 'sent')) this.armAck();
        this.add(frame);
        break;
      case 'reply':
        // The conversation's language follows the assistant (it switches when the person
        // clearly writes in another language); the widget's own texts follow it.
        // Only live replies: replayed history may be in a language left behind since.
        if (frame.lang && frame.lang !== this.lang && frame.seq > this.liveFrom) {
          this.lang = frame.lang;
          this.save();
        }
        this.add(frame);
        break;
      case 'typing':
        this.typing = frame.on;
        break;
      case 'error':
        this.error(frame.code, frame.id);
        break;
    }
    this.changed();
  }

  private add(frame: HistoryFrame): void {
    if (this.seqs.has(frame.seq)) return;
    this.seqs.add(frame.seq);
    if (frame.type === 'reply') this.typing = false;
    let i = this.frames.length;
    while (i > 0 && (this.frames[i - 1]?.seq ?? 0) > frame.seq) i--;
    this.frames.splice(i, 0, frame);
    this.opts.onFrame?.(frame, frame.seq > this.liveFrom);
  }

  private error(code: ErrorCode, id: string | undefined): void {
    const item = id === undefined ? undefined : this.outbox.find((i) => i.id === id);
    if (code === 'UNKNOWN_SESSION') {
      this.forget();
      this.notice = { code: 'EXPIRED' };
      this.restart();
      return;
    }
    if (item && code === 'RATE_LIMITED') {
      // Not handled by the server: send it again a little later.
      item.state = 'queued';
      this.timers.set(() => {
        if (this.status === 'online' && item.state === 'queued') this.transmit(item);
      }, 3000);
      return;
    }
    if (item && (code === 'BAD_FRAME' || code === 'FRAME_TOO_LARGE')) {
      item.state = 'failed';
      this.save();
    }
    this.notice = { code };
  }

  private transmit(item: OutboxItem): void {
    item.state = 'sent';
    this.write(
      item.kind === 'message'
        ? { type: 'message', id: item.id, text: item.text }
        : { type: 'choose', id: item.id, optionId: item.optionId ?? '' },
    );
    this.armAck();
  }

  private beat(): Beat {
    const beats = this.opts.heartbeat ?? HEARTBEAT;
    return this.active ? beats.active : beats.background;
  }

  /** A frame came from the server: the silence counts from now. */
  private alive(): void {
    const { pingMs, deadMs } = this.beat();
    this.timers.clear(this.pingTimer);
    this.timers.clear(this.deadTimer);
    this.pingTimer = this.timers.set(() => this.ping(), pingMs);
    this.deadTimer = this.timers.set(() => this.drop(), deadMs);
  }

  /** Pings, and again every `pingMs` until a frame comes (which re-arms through alive()). */
  private ping(): void {
    this.write({ type: 'ping' });
    this.pingTimer = this.timers.set(() => this.ping(), this.beat().pingMs);
  }

  private armAck(): void {
    this.timers.clear(this.ackTimer);
    this.ackTimer = this.timers.set(() => this.drop(), this.opts.ackTimeoutMs ?? 15_000);
  }

  private write(frame: ClientFrame): void {
    try {
      this.socket?.send(JSON.stringify(frame));
    } catch {
      // A socket that cannot send is lost; its close event follows and reconnects.
    }
  }

  /** The socket went away: keep what is unacknowledged and schedule a reconnect. */
  private lost(code: number): void {
    this.clearTimers();
    this.socket = undefined;
    this.typing = false;
    for (const item of this.outbox) if (item.state === 'sent') item.state = 'queued';
    if (code === CLOSE_IDLE && this.outbox.length === 0) {
      this.setStatus('paused');
      return;
    }
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt);
    this.attempt += 1;
    // Jitter spreads the reconnects of many widgets after a server restart.
    this.retryInMs = Math.round(base / 2 + (this.opts.random ?? Math.random)() * (base / 2));
    this.retryTimer = this.timers.set(() => this.connect(), this.retryInMs);
    this.setStatus('offline');
  }

  /** Gives up on the current socket (timeout) and goes through the reconnect path. */
  private drop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.lost(1006);
    socket.close(4001, 'timeout');
  }

  private restart(): void {
    const socket = this.socket;
    this.clearTimers();
    this.socket = undefined;
    socket?.close(1000, 'restart');
    this.attempt = 0;
    this.connect();
  }

  private forget(): void {
    this.sessionId = undefined;
    this.resetHistory();
    this.save();
  }

  private resetHistory(): void {
    this.frames = [];
    this.seqs.clear();
    this.feedbackDone.clear();
    this.rated.clear();
  }

  private clearTimers(): void {
    this.timers.clear(this.retryTimer);
    this.timers.clear(this.connectTimer);
    this.timers.clear(this.ackTimer);
    this.timers.clear(this.tokenTimer);
    this.tokenTimer = undefined;
    this.timers.clear(this.pingTimer);
    this.timers.clear(this.deadTimer);
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.changed();
  }

  private changed(): void {
    this.opts.onChange?.();
  }

  private newId(): string {
    return this.opts.newId?.() ?? crypto.randomUUID();
  }

  private load(): Persisted | undefined {
    try {
      const raw = this.opts.storage?.getItem(this.storageKey);
      if (!raw) return undefined;
      const parsed: unknown = JSON.parse(raw);
      return isPersisted(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private save(): void {
    const data: Persisted = {
      outbox: this.outbox
        .filter((i) => i.state !== 'failed')
        .map(({ id, kind, text, optionId }) => ({
          id,
          kind,
          text,
          ...(optionId !== undefined && { optionId }),
        })),
      feedback: [...this.feedbackDone],
      rated: [...this.rated],
      ...(this.signedIn && { signedIn: true }),
      ...(this.sessionId !== undefined && { sessionId: this.sessionId }),
    };
    try {
      this.opts.storage?.setItem(this.storageKey, JSON.stringify(data));
    } catch {
      // Storage full or disabled (private mode): the conversation still works, without resume.
    }
  }
}
