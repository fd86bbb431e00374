/**
 * The load generator's conversations for `npm run bench` (scripts/bench.ts), and what the
 * same-frames echo (scripts/bench-server.ts) answers with. A conversation copes with whatever
 * the assistant does: a turn ends at `typing off`, at an error, or, for the staff queue's leave
 * button, at the notice that the queue was left (which comes with no typing frame); a
 * conversation that was queued for a person sends the leave button as its next turn; one that
 * cannot go on (a turn with no end within the turn timeout, a closed socket, a person
 * unavailable so that the next message would be a contact request) is replaced by its pool.
 * Every wait is bounded.
 */
import { WebSocket } from 'ws';
import { LEAVE_OPTION } from '../src/handover/queue-texts.js';

/** A frame as received: only `type` is relied on, the rest is kept as it came. */
export type Frame = { type: string } & Record<string, unknown>;

/** What the client sent, as the same-frames echo looks up its answer. */
export function keyOf(frame: { type: string; text?: string; optionId?: string }): string {
  return frame.type === 'choose' ? `choose:${frame.optionId ?? ''}` : `message:${frame.text ?? ''}`;
}

/** The state a `handover` block of a reply announces (queued, connected, ended, unavailable). */
export function handoverState(frame: Frame): string | undefined {
  if (frame.type !== 'reply' || !Array.isArray(frame.blocks)) return undefined;
  for (const block of frame.blocks as unknown[]) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as { type?: unknown; state?: unknown };
    if (b.type === 'handover' && typeof b.state === 'string') return b.state;
  }
  return undefined;
}

/** Whether the frame ends the turn in flight (`leaving`: the turn is the leave button). */
export function endsTurn(frame: Frame, leaving: boolean): boolean {
  if (frame.type === 'error') return true;
  if (frame.type === 'typing') return frame.on === false;
  return leaving && handoverState(frame) === 'ended';
}

/**
 * The frames the same-frames echo sends for a client frame: those the app sent for it, with
 * seq, ts, the user frame's id and replyTo set afresh. `typing` frames are sent as they were.
 */
export function replayed(recorded: readonly Frame[], id: string, nextSeq: () => number): Frame[] {
  const ts = Date.now();
  return recorded.map((f) => {
    if (f.type === 'user') return { ...f, seq: nextSeq(), id, ts };
    if (f.type !== 'reply') return f;
    return { ...f, seq: nextSeq(), ts, ...('replyTo' in f && { replyTo: id }) };
  });
}

/**
 * The app's frames for what the client sent; for something the app never answered in this run
 * (the echo runs many more turns than the app), those of another client frame of the same kind
 * (message or choose), picked by the key so the choice is stable. `own` says which it was.
 */
export class RecordedTurns {
  private readonly turns = new Map<string, Frame[]>();
  private readonly keysByKind = new Map<string, string[]>();

  add(key: string, frames: Frame[]): void {
    if (this.turns.has(key)) return;
    this.turns.set(key, frames);
    const kind = kindOf(key);
    this.keysByKind.set(kind, [...(this.keysByKind.get(kind) ?? []), key]);
  }

  get size(): number {
    return this.turns.size;
  }

  answer(key: string): { frames: Frame[]; own: boolean } | undefined {
    const own = this.turns.get(key);
    if (own) return { frames: own, own: true };
    const keys = this.keysByKind.get(kindOf(key)) ?? [...this.turns.keys()];
    const other = keys[hash(key) % Math.max(1, keys.length)];
    const frames = other === undefined ? undefined : this.turns.get(other);
    return frames && { frames, own: false };
  }
}

const kindOf = (key: string) => key.slice(0, key.indexOf(':'));

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}

export interface ConversationOptions {
  port: number;
  lang: string;
  /** The messages to send, in turn, from `offset`. */
  texts: readonly string[];
  offset: number;
  /** A turn with no end within this is given up (the conversation is then replaced). */
  turnTimeoutMs: number;
  /** The welcome must come within this. */
  openTimeoutMs: number;
  /** When given, each completed turn's frames are kept here (the first per key). */
  record?: Map<string, Frame[]>;
  /** Error frames by code. */
  errorCodes?: Map<string, number>;
}

interface InFlight {
  key: string;
  sent: number;
  leave: boolean;
  frames: Frame[];
}

/** One conversation: a socket that has said hello. */
export class Conversation {
  private readonly inFlight: InFlight[] = [];
  private onDone: ((ms: number) => void) | undefined;
  private next: number;
  private sent = 0;
  /** Latencies of completed turns, ms (send → end of the turn). */
  readonly answered: number[] = [];
  errors = 0;
  /** Times a reply said this conversation was queued for a person. */
  queued = 0;
  /** Times it left the queue with the leave button. */
  left = 0;
  /** Turns given up after the turn timeout. */
  timedOut = 0;
  /** In the staff queue: the next turn is the leave button. */
  private inQueue = false;
  /** Cannot go on: the pool replaces it before its next turn. */
  stale = false;

  private constructor(
    private readonly ws: WebSocket,
    readonly options: ConversationOptions,
  ) {
    this.next = options.offset;
  }

  static open(options: ConversationOptions): Promise<Conversation> {
    const ws = new WebSocket(`ws://127.0.0.1:${options.port}/ws`);
    const c = new Conversation(ws, options);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no welcome within ${options.openTimeoutMs} ms`));
      }, options.openTimeoutMs);
      // After the welcome an error only closes the socket (the 'close' below); before, it fails
      // the open.
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, lang: options.lang })));
      ws.on('close', () => {
        c.stale = true;
        c.onDone?.(NaN);
      });
      let welcomed = false;
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as Frame;
        if (welcomed) return c.receive(frame);
        if (frame.type === 'welcome') {
          welcomed = true;
          clearTimeout(timer);
          resolve(c);
        }
      });
    });
  }

  private receive(frame: Frame): void {
    const state = handoverState(frame);
    if (state === 'queued' || state === 'connected') {
      if (!this.inQueue) this.queued++;
      this.inQueue = true;
    } else if (state === 'ended') this.inQueue = false;
    // The next message would be kept as a contact request for staff, with no turn.
    else if (state === 'unavailable') this.stale = true;
    if (frame.type === 'error') {
      this.errors++;
      const code = typeof frame.code === 'string' ? frame.code : '?';
      this.options.errorCodes?.set(code, (this.options.errorCodes.get(code) ?? 0) + 1);
    }
    const turn = this.inFlight[0];
    if (!turn) return; // between turns: a queue position, a status change
    turn.frames.push(frame);
    if (!endsTurn(frame, turn.leave)) return;
    this.inFlight.shift();
    // The leave button is pressed once: whatever came back, the next turn is a message.
    if (turn.leave) {
      this.inQueue = false;
      if (state === 'ended') this.left++;
    }
    if (frame.type === 'error') return this.onDone?.(NaN);
    const ms = performance.now() - turn.sent;
    this.answered.push(ms);
    const { record } = this.options;
    if (record && !record.has(turn.key)) record.set(turn.key, turn.frames);
    this.onDone?.(ms);
  }

  /** Sends the next message, or the leave button when the conversation is queued. */
  send(): void {
    const id = `m${this.sent++}`;
    const frame = this.inQueue
      ? { type: 'choose', id, optionId: LEAVE_OPTION }
      : { type: 'message', id, text: this.nextText() };
    this.inFlight.push({
      key: keyOf(frame),
      sent: performance.now(),
      leave: this.inQueue,
      frames: [],
    });
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private nextText(): string {
    const { texts } = this.options;
    return texts[this.next++ % texts.length] ?? 'tere';
  }

  /**
   * Sends and waits for the turn to end: its latency in ms, or NaN for an error, a closed socket
   * or no end within the turn timeout (the conversation is then stale).
   */
  turn(): Promise<number> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onDone = undefined;
        this.timedOut++;
        this.stale = true;
        this.inFlight.length = 0;
        resolve(NaN);
      }, this.options.turnTimeoutMs);
      this.onDone = (ms) => {
        clearTimeout(timer);
        this.onDone = undefined;
        resolve(ms);
      };
      if (this.stale) return this.onDone(NaN);
      this.send();
    });
  }

  /** Turns sent and not ended. */
  get unanswered(): number {
    return this.inFlight.length;
  }

  /** Closes the socket; terminates it if the close handshake takes over 5 s. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => this.ws.terminate(), 5000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}

/** What happened to a pool's conversations (the ones replaced included). */
export interface PoolStats {
  conversations: number;
  /** Conversations queued for a person, and how many left the queue with the button. */
  queued: number;
  leftQueue: number;
  /** Closed and replaced by a new conversation (a turn timed out, the socket closed, ...). */
  replaced: number;
  timedOutTurns: number;
  errors: number;
}

/** N conversations on one server; one that cannot go on is closed and replaced by a new one. */
export class Pool {
  private readonly retired: Conversation[] = [];

  private constructor(
    readonly live: Conversation[],
    private readonly options: (slot: number) => ConversationOptions,
  ) {}

  /**
   * Opens n conversations, 50 at a time; `options(slot)` gives a new conversation's options
   * for that slot (called again for a replacement).
   */
  static async open(n: number, options: (slot: number) => ConversationOptions): Promise<Pool> {
    const live: Conversation[] = [];
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, (_, j) => Conversation.open(options(i + j))),
      );
      live.push(...batch);
    }
    return new Pool(live, options);
  }

  /** The conversation in a slot, replaced first if it cannot go on. */
  async at(slot: number): Promise<Conversation> {
    const c = this.live[slot];
    if (!c) throw new Error(`no conversation in slot ${slot}`);
    if (!c.stale) return c;
    this.retired.push(c);
    void c.close();
    const fresh = await Conversation.open(this.options(slot));
    this.live[slot] = fresh;
    return fresh;
  }

  get all(): Conversation[] {
    return [...this.retired, ...this.live];
  }

  stats(): PoolStats {
    const sum = (f: (c: Conversation) => number) => this.all.reduce((s, c) => s + f(c), 0);
    return {
      conversations: this.all.length,
      queued: sum((c) => c.queued),
      leftQueue: sum((c) => c.left),
      replaced: this.retired.length,
      timedOutTurns: sum((c) => c.timedOut),
      errors: sum((c) => c.errors),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((c) => c.close()));
  }
}
