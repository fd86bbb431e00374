/**
 * The chat socket at /ws: the only code that touches `ws`. Checks every inbound frame (a
 * message by hand with zod's rules, src/protocol/message-frame.ts; the others with zod),
 * enforces the limits (frame size, message rate, heartbeat, idle timeout) and hands valid
 * input to the chat service. An invalid frame gets an error frame and is logged once;
 * nothing a client sends can crash the process.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { startHeartbeat } from './heartbeat.js';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ClientFrame, PROTOCOL_VERSION, type ServerFrame } from '../protocol/frames.js';
import { ProtocolError, describeIssues } from '../protocol/errors.js';
import { plainMessageFrame } from '../protocol/message-frame.js';
import { ForbiddenSessionError, type ChatService } from '../session/chat-service.js';
import { FrameFollower } from '../session/follow.js';
import type { Identity } from '../session/session.js';
import type { Logger } from '../logger.js';
import { createSocketGuard, type SocketGuard } from './socket-guard.js';

export interface WsLimits {
  /** Frames up to this size are parsed; larger ones get FRAME_TOO_LARGE. */
  maxFrameBytes: number;
  /** Messages per window before RATE_LIMITED. */
  rateLimit: number;
  rateWindowMs: number;
  /** Ping interval; a socket that missed one pong is terminated. */
  heartbeatMs: number;
  /** A socket with no client frame for this long is closed. */
  idleTimeoutMs: number;
  /** Unsent outgoing bytes before a socket that does not read is closed (socket-guard.ts). */
  maxBufferedBytes?: number;
}

export interface ChatSocketOptions {
  server: Server;
  chat: ChatService;
  logger: Logger;
  limits: WsLimits;
  /** Origins allowed to connect; empty allows any. */
  allowedOrigins: string[];
  /** Verifies a hello token; absent means tokens are not accepted here. */
  verifyIdentity?: (token: string) => Promise<Identity>;
  path?: string;
  /** Upgrade paths another handler answers (the agents' /staff/ws); left alone here. */
  otherPaths?: string[];
  /** Called when a socket opens or closes (metrics). */
  onConnectionCount?: (count: number) => void;
}

export interface ChatSocketServer {
  readonly clientCount: number;
  close(): Promise<void>;
}

/** Close codes sent by the server (4000-4999 are the application's). */
export const CLOSE_CODES = {
  idle: 4000,
  /** The conversation was signed in from another tab: this one may no longer listen. */
  identityChanged: 4001,
  shutdown: 1001,
  tooLarge: 1009,
} as const;

export function attachChatSocket(options: ChatSocketOptions): ChatSocketServer {
  const { server, logger, limits } = options;
  const path = options.path ?? '/ws';
  // ws itself drops frames above 4x our limit by closing with 1009; below that we answer.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes * 4 });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      if (!options.otherPaths?.includes(url.pathname)) socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    if (
      options.allowedOrigins.length > 0 &&
      (!origin || !options.allowedOrigins.includes(origin))
    ) {
      logger.warn({ origin }, 'websocket origin refused');
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = startHeartbeat(wss, limits.heartbeatMs);

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    heartbeat.watch(ws);
    options.onConnectionCount?.(wss.clients.size);
    // req.socket: the TCP socket under the WebSocket, corked while a turn's frames are written.
    const conn = new Connection(ws, options, req.socket);
    ws.on('message', (data, isBinary) => conn.receive(data, isBinary));
    ws.on('close', () => {
      conn.dispose();
      options.onConnectionCount?.(wss.clients.size);
    });
    ws.on('error', (err) => logger.warn({ err }, 'websocket error'));
  });

  return {
    get clientCount() {
      return wss.clients.size;
    },
    close() {
      heartbeat.stop();
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(CLOSE_CODES.shutdown, 'server shutting down');
      return new Promise((resolve) => {
        wss.close(() => resolve());
        // Sockets that do not finish the closing handshake in time are cut.
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 2000).unref();
      });
    },
  };
}

/** The widget's heartbeat frame and its answer, as bytes (the fast path below). */
const PING = Buffer.from(JSON.stringify({ type: 'ping' }));
const PONG = JSON.stringify({ type: 'pong' });
/** Heartbeats closer together than this are not on the fast path: they count as frames. */
const PING_FAST_MS = 500;

/** One client socket: its hello state, limits and subscription. */
class Connection {
  private sessionId: string | undefined;
  /** The verified person of this connection's hello; every turn is checked against it. */
  private identity: Identity | undefined;
  /** Names this connection's hub subscription (kept when it signs its conversation in). */
  private readonly listenerToken = crypto.randomUUID();
  private helloInProgress = false;
  /** Delivers the conversation's frames once and in seq order, live or from history. */
  private readonly follower = new FrameFollower(
    (frame) => this.send(frame),
    undefined,
    (err) =>
      this.options.logger.warn(
        { err, sessionId: this.sessionId },
        'socket could not catch up from history',
      ),
  );
  private unsubscribe: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly flood: SocketGuard;
  private lastPingAt = 0;
  /** True while frames sent in this tick are held back to leave in one write. */
  private corked = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: ChatSocketOptions,
    /** The TCP socket under `ws`: a turn's frames (user, replies, typing off) are corked on it. */
    private readonly transport?: Duplex,
  ) {
    const { limits, logger } = options;
    this.flood = createSocketGuard(ws, {
      limits: { ...limits, maxBufferedBytes: limits.maxBufferedBytes ?? 1_048_576 },
      logger,
    });
    this.touch();
  }

  receive(data: RawData, isBinary: boolean): void {
    const { limits, logger } = this.options;
    // The widget's heartbeat (a ping a second while the chat is in view, docs/widget.md) is
    // answered without parsing and without counting against the frame rate; a client pinging
    // more often than every PING_FAST_MS goes through the normal path and its limits.
    if (!isBinary && Buffer.isBuffer(data) && data.equals(PING)) {
      const now = Date.now();
      if (now - this.lastPingAt >= PING_FAST_MS) {
        this.lastPingAt = now;
        if (this.ws.readyState === this.ws.OPEN && this.flood.canSend()) this.ws.send(PONG);
        return;
      }
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    // Over the rate: answered once per window, then dropped unanswered, then closed.
    const admission = this.flood.admit();
    if (admission !== 'ok') {
      if (admission === 'refuse')
        this.send(
          new ProtocolError(
            'RATE_LIMITED',
            `More than ${limits.rateLimit} frames in ${limits.rateWindowMs} ms; slow down.`,
          ).toFrame(),
        );
      return;
    }
    try {
      if (isBinary)
        throw new ProtocolError('BAD_FRAME', 'Binary frames are not accepted; send JSON text.');
      if (size > limits.maxFrameBytes) {
        throw new ProtocolError(
          'FRAME_TOO_LARGE',
          `Frame of ${size} bytes is over the limit of ${limits.maxFrameBytes} bytes.`,
        );
      }
      // ws hands over a Buffer (its default binaryType): read it in place, without a copy.
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new ProtocolError('BAD_JSON', 'Frame is not valid JSON.');
      }
      if (isObject(raw) && raw.type === 'hello' && raw.v !== PROTOCOL_VERSION) {
        throw new ProtocolError(
          'UNSUPPORTED_VERSION',
          `Protocol version ${JSON.stringify(raw.v)} is not supported; use ${PROTOCOL_VERSION}.`,
        );
      }
      // A turn's message is checked by hand (the same rules); anything else goes through zod.
      const message = plainMessageFrame(raw);
      if (message) {
        this.dispatch(message);
        return;
      }
      const parsed = ClientFrame.safeParse(raw);
      if (!parsed.success) {
        const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
        throw new ProtocolError('BAD_FRAME', describeIssues(parsed.error), id);
      }
      this.dispatch(parsed.data);
    } catch (err) {
      this.touch();
      if (err instanceof ProtocolError) {
        logger.warn(
          { code: err.code, detail: err.message, sessionId: this.sessionId },
          'invalid client frame',
        );
        this.send(err.toFrame());
      } else {
        logger.error({ err }, 'unexpected error handling a frame');
        this.send({
          type: 'error',
          code: 'INTERNAL',
          message: 'Something went wrong on our side.',
        });
      }
    }
  }

  private dispatch(frame: ClientFrame): void {
    // A heartbeat is no activity: an idle tab's socket still closes after the idle timeout.
    if (frame.type === 'ping') {
      this.send({ type: 'pong' });
      return;
    }
    this.touch();
    if (frame.type === 'hello') {
      if (this.sessionId || this.helloInProgress)
        throw new ProtocolError('ALREADY_HELLO', 'This connection has already said hello.');
      this.helloInProgress = true;
      this.guard(
        this.hello(frame).finally(() => {
          this.helloInProgress = false;
        }),
      );
      return;
    }
    const sessionId = this.sessionId;
    if (!sessionId) throw new ProtocolError('HELLO_REQUIRED', 'Send a hello frame first.');
    this.guard(
      this.options.chat
        .handle(sessionId, frame, this.identity ? { identity: this.identity } : {})
        // The turn's frames must reach this socket: caught up from history if their publish
        // does not arrive (src/session/follow.ts).
        .then((turn) => turn && this.follower.expect(turn.session.seq)),
      'id' in frame ? frame.id : undefined,
    );
  }

  private async hello(frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const { chat, verifyIdentity, logger } = this.options;
    let identity: Identity | undefined;
    if (frame.token !== undefined) {
      if (!verifyIdentity) {
        this.send(
          new ProtocolError(
            'AUTH_NOT_CONFIGURED',
            'Sign-in is not enabled on this server; continuing signed out.',
          ).toFrame(),
        );
      } else {
        try {
          identity = await verifyIdentity(frame.token);
        } catch (err) {
          logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'identity token refused',
          );
          this.send(
            new ProtocolError(
              'AUTH_INVALID_TOKEN',
              'The identity token could not be verified; continuing signed out.',
            ).toFrame(),
          );
        }
      }
    }
    // Listen first, so nothing published during the open is missed; seq filtering drops repeats.
    this.follower.hold();
    const listen = (id: string) =>
      chat.hub.subscribe(id, (f) => this.follower.live(f), {
        token: this.listenerToken,
        // Someone signed this conversation in on another socket: this one is dropped.
        onRevoke: () => this.identityChanged(),
        // This instance may have missed frames (its Redis subscription came back).
        onResync: () => void this.follower.catchUp(),
      });
    this.unsubscribe?.();
    if (frame.sessionId) this.unsubscribe = listen(frame.sessionId);
    const result = await chat.open({
      lang: frame.lang,
      channel: 'web',
      ...(frame.sessionId !== undefined && { sessionId: frame.sessionId }),
      ...(frame.lastSeq !== undefined && { lastSeq: frame.lastSeq }),
      ...(identity && { identity }),
      listener: this.listenerToken,
    });
    const { session } = result;
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (session.id !== frame.sessionId) {
      this.unsubscribe?.();
      this.unsubscribe = listen(session.id);
    }
    this.sessionId = session.id;
    this.identity = session.identity;
    this.send({
      type: 'welcome',
      v: PROTOCOL_VERSION,
      sessionId: session.id,
      lang: session.lang,
      resumed: result.resumed,
      lastSeq: session.seq,
      ...(session.identity && { identity: { name: session.identity.name } }),
    });
    // The same rule as this resume, for catching up later: the frames after the last one sent,
    // for this socket's person only (a conversation signed in elsewhere meanwhile is dropped).
    const caller = session.identity ? { identity: session.identity } : {};
    this.follower.start(
      frame.sessionId === session.id ? (frame.lastSeq ?? 0) : 0,
      result.replay,
      async (afterSeq) => {
        try {
          return await chat.replay(session.id, afterSeq, caller);
        } catch (err) {
          if (!(err instanceof ForbiddenSessionError)) throw err;
          this.identityChanged();
          return [];
        }
      },
    );
  }

  /** The conversation was signed in by someone else: this socket may no longer listen. */
  private identityChanged(): void {
    this.follower.close();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.ws.close(CLOSE_CODES.identityChanged, 'conversation signed in elsewhere');
  }

  /** Runs async work for a frame; its failure becomes an error frame, never a crash. */
  private guard(work: Promise<unknown>, id?: string): void {
    work.catch((err: unknown) => {
      const code = isObject(err) && err.code === 'UNKNOWN_SESSION' ? 'UNKNOWN_SESSION' : 'INTERNAL';
      if (code === 'INTERNAL')
        this.options.logger.error({ err, sessionId: this.sessionId }, 'turn failed');
      const message =
        code === 'UNKNOWN_SESSION'
          ? 'This conversation has expired; start a new one.'
          : 'Something went wrong on our side. Please try again.';
      this.send({ type: 'error', code, message, ...(id !== undefined && { id }) });
    });
  }

  /**
   * Sends one frame, its own WebSocket text message as always; the frames sent in the same tick
   * (a turn's user frame, replies and typing off) leave in one socket write (cork until the
   * next tick) instead of one system call each.
   */
  private send(frame: ServerFrame): void {
    if (this.ws.readyState !== this.ws.OPEN || !this.flood.canSend()) return;
    if (this.transport && !this.corked) {
      this.corked = true;
      this.transport.cork();
      process.nextTick(this.uncork);
    }
    this.ws.send(JSON.stringify(frame));
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.transport?.uncork();
  };

  private touch(): void {
    // Every frame restarts the idle timer: the same timer object, started again (refresh).
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(
      () => this.ws.close(CLOSE_CODES.idle, 'idle timeout'),
      this.options.limits.idleTimeoutMs,
    );
    this.idleTimer.unref();
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.follower.close();
    this.unsubscribe?.();
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
