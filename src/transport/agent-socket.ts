/**
 * The agents' live channel, WebSocket /staff/ws: authenticated by the staff session cookie,
 * with this server's Origin required (a cross-site page cannot open it with the agent's
 * cookie), for the roles allowed the live queue. Frames are JSON, parsed with zod:
 *
 *   agent -> server  {type:'take'|'hand-back'|'end', sessionId} | {type:'say', sessionId, text}
 *   server -> agent  {type:'hello', username, role} | {type:'queue', queued, live}
 *                    {type:'history', sessionId, frames} | {type:'frame', sessionId, frame}
 *                    {type:'error', code, message}
 *
 * The session behind a socket is checked again before every action, every `revalidateMs`
 * and at once on logout: a removed, demoted or signed-out staff member's socket is closed
 * (4401 session ended, 4403 role may not) and gets nothing more.
 *
 * docs/staff.md documents it.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { startHeartbeat } from './heartbeat.js';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { Handover } from '../handover/handover.js';
import { HandoverError } from '../handover/handover.js';
import type { Logger } from '../logger.js';
import { LIMITS } from '../protocol/frames.js';
import { sameOrigin, type StaffAuth, type StaffPrincipal } from '../staff/auth.js';
import type { QueueView } from '../staff/queue-view.js';
import { can } from '../staff/roles.js';
import type { StaffStore } from '../store/staff-store.js';

export const AGENT_SOCKET_PATH = '/staff/ws';

const SessionId = z.string().min(1).max(LIMITS.idMaxChars);
const AgentFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('take'), sessionId: SessionId }).strict(),
  z.object({ type: z.literal('hand-back'), sessionId: SessionId }).strict(),
  z.object({ type: z.literal('end'), sessionId: SessionId }).strict(),
  z
    .object({
      type: z.literal('say'),
      sessionId: SessionId,
      text: z.string().trim().min(1).max(LIMITS.textMaxChars),
    })
    .strict(),
]);

export interface AgentSocketOptions {
  server: Server;
  auth: StaffAuth;
  handover: Handover;
  staff: StaffStore;
  logger: Logger;
  heartbeatMs: number;
  /** The queue as staff see it (src/staff/queue-view.ts). */
  queue: QueueView;
  /** How often open sockets' sessions are checked again (default 5 s). */
  revalidateMs?: number;
  onConnectionCount?: (n: number) => void;
  onQueueLength?: (n: number) => void;
}

export function attachAgentSocket(options: AgentSocketOptions) {
  const { server, auth, handover, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  const principals = new WeakMap<WebSocket, StaffPrincipal>();
  /** Sockets being closed because their session ended: they get nothing more. */
  const revoked = new WeakSet<WebSocket>();

  const refuse = (socket: Duplex, status: string) => {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== AGENT_SOCKET_PATH) return;
    if (!sameOrigin(req, true)) {
      logger.warn({ origin: req.headers.origin }, 'agent socket origin refused');
      refuse(socket, '403 Forbidden');
      return;
    }
    auth.principal(req).then(
      (principal) => {
        if (!principal) return refuse(socket, '401 Unauthorized');
        if (!can(principal.role, 'live')) return refuse(socket, '403 Forbidden');
        wss.handleUpgrade(req, socket, head, (ws) => {
          principals.set(ws, principal);
          wss.emit('connection', ws, req);
        });
      },
      (err: unknown) => {
        logger.error({ err }, 'agent socket authentication failed');
        refuse(socket, '500 Internal Server Error');
      },
    );
  };
  server.on('upgrade', onUpgrade);

  const send = (ws: WebSocket, frame: object) => {
    if (ws.readyState === ws.OPEN && !revoked.has(ws)) ws.send(JSON.stringify(frame));
  };

  const revoke = (ws: WebSocket, code: 4401 | 4403) => {
    if (revoked.has(ws)) return;
    revoked.add(ws);
    logger.info({ username: principals.get(ws)?.username, code }, 'agent socket revoked');
    ws.close(code, code === 4401 ? 'session ended' : 'role may not use the live queue');
    // A socket that does not answer the close handshake is cut.
    setTimeout(() => ws.terminate(), 2000).unref();
  };

  /** The socket's current principal, or undefined after revoking it. */
  const recheck = async (ws: WebSocket): Promise<StaffPrincipal | undefined> => {
    const before = principals.get(ws);
    if (!before || revoked.has(ws)) return undefined;
    const now = await auth.check(before.idHash);
    if (!now) return void revoke(ws, 4401);
    if (!can(now.role, 'live')) return void revoke(ws, 4403);
    principals.set(ws, now);
    return now;
  };

  const stopEnded = auth.onEnded((which) => {
    for (const ws of wss.clients) {
      const p = principals.get(ws);
      if (p && (p.idHash === which.idHash || p.username === which.username)) revoke(ws, 4401);
    }
  });
  const revalidate = setInterval(() => {
    for (const ws of wss.clients)
      recheck(ws).catch((err: unknown) => logger.warn({ err }, 'agent session check failed'));
  }, options.revalidateMs ?? 5000);
  revalidate.unref();
  const broadcastQueue = async () => {
    const snapshot = await options.queue();
    options.onQueueLength?.(snapshot.queued.length);
    for (const ws of wss.clients) send(ws, { type: 'queue', ...snapshot });
  };

  const unsubscribe = handover.subscribe((event) => {
    if (event.type === 'changed') {
      broadcastQueue().catch((err: unknown) => logger.warn({ err }, 'queue not broadcast'));
      return;
    }
    // A conversation's frames go to the agent who has it.
    for (const ws of wss.clients) {
      if (event.agent && principals.get(ws)?.username === event.agent)
        send(ws, { type: 'frame', sessionId: event.sessionId, frame: event.frame });
    }
  });

  const heartbeat = startHeartbeat(wss, options.heartbeatMs);

  async function handle(ws: WebSocket, data: RawData) {
    let raw: unknown;
    try {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      raw = JSON.parse(text);
    } catch {
      return send(ws, { type: 'error', code: 'BAD_JSON', message: 'Frame is not valid JSON.' });
    }
    const parsed = AgentFrame.safeParse(raw);
    if (!parsed.success) {
      return send(ws, {
        type: 'error',
        code: 'BAD_FRAME',
        message: parsed.error.issues
          .map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`)
          .join('; '),
      });
    }
    const frame = parsed.data;
    // Every action re-reads the session: a removed or demoted agent can do nothing more.
    let agent: string;
    try {
      const current = await recheck(ws);
      if (!current) return;
      agent = current.username;
    } catch (err) {
      logger.error({ err }, 'agent session check failed');
      return send(ws, {
        type: 'error',
        code: 'INTERNAL',
        message: 'Something went wrong on our side.',
      });
    }
    try {
      switch (frame.type) {
        case 'take': {
          const frames = await handover.take(frame.sessionId, agent);
          await options.staff.audit({
            id: randomUUID(),
            at: Date.now(),
            actor: agent,
            action: 'take-over',
            target: frame.sessionId,
            detail: null,
          });
          send(ws, { type: 'history', sessionId: frame.sessionId, frames });
          break;
        }
        case 'say':
          await handover.say(frame.sessionId, agent, frame.text);
          break;
        case 'hand-back':
          await handover.handBack(frame.sessionId, agent);
          break;
        case 'end':
          await handover.end(frame.sessionId, agent);
          break;
      }
    } catch (err) {
      if (err instanceof HandoverError)
        return send(ws, {
          type: 'error',
          code: err.code,
          message: err.message,
          sessionId: frame.sessionId,
        });
      logger.error({ err }, 'agent action failed');
      send(ws, { type: 'error', code: 'INTERNAL', message: 'Something went wrong on our side.' });
    }
  }

  wss.on('connection', (ws: WebSocket) => {
    const principal = principals.get(ws);
    if (!principal) return ws.close(1008, 'no session');
    heartbeat.watch(ws);
    options.onConnectionCount?.(wss.clients.size);
    ws.on('message', (data) => void handle(ws, data));
    ws.on('close', () => options.onConnectionCount?.(wss.clients.size));
    ws.on('error', (err) => logger.warn({ err }, 'agent socket error'));
    send(ws, { type: 'hello', username: principal.username, role: principal.role });
    options.queue().then(
      (snapshot) => send(ws, { type: 'queue', ...snapshot }),
      (err: unknown) => logger.warn({ err }, 'queue snapshot failed'),
    );
    // The conversations this agent already holds (taken before a restart, or on another
    // instance): their history again, and their frames from now on.
    handover.resume(principal.username).then(
      (held) => {
        for (const { sessionId, frames } of held) send(ws, { type: 'history', sessionId, frames });
      },
      (err: unknown) => logger.warn({ err }, 'held conversations not resumed'),
    );
  });

  return {
    get clientCount() {
      return wss.clients.size;
    },
    close(): Promise<void> {
      heartbeat.stop();
      clearInterval(revalidate);
      stopEnded();
      unsubscribe();
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      return new Promise((resolve) => {
        wss.close(() => resolve());
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 2000).unref();
      });
    },
  };
}
