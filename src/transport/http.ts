/**
 * HTTP: the demo page, the widget script, health, metrics and the REST channel. Every request
 * body is parsed with zod at the edge; a bad one gets 400 with the issues.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import { LANGS, LIMITS, type ReplyFrame } from '../protocol/frames.js';
import { ForbiddenSessionError, type ChatService } from '../session/chat-service.js';
import { accessTo } from '../session/resume.js';
import type { Identity } from '../session/session.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';
import { createRestLimit, type RestLimits } from './rest-limit.js';

export interface HttpOptions {
  chat: ChatService;
  logger: Logger;
  metrics: Metrics;
  /** Folder with widget.js (the built widget). */
  widgetDir: string;
  /** Folder with the demo pages (index.html, ...). */
  pagesDir: string;
  /** Rate limits of the REST channel (rest-limit.ts); absent: none (tests of other parts). */
  restLimits?: RestLimits;
  /** Verifies a bearer identity token (the same as the socket's hello token). */
  verifyIdentity?: (token: string) => Promise<Identity>;
  /**
   * A REST client used this conversation (a turn or a poll): it is still there, so it keeps its
   * place in the handover queue as an open tab does (docs/protocol.md, "REST channel").
   */
  onPresent?: (sessionId: string) => void;
  /**
   * What keeps this live instance from being ready, by dependency (GET /health tells it, still
   * 200; GET /ready is what fails): e.g. `{ redis: 'not subscribed: connect ECONNREFUSED …' }`.
   */
  health?: () => Record<string, string>;
  /** Mounts more routes (the back office) before the 404 handler. */
  extend?: (app: express.Express) => void;
}

const CreateConversation = z.object({ lang: z.enum(LANGS).default('et') }).strict();
const PollQuery = z
  .object({ after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) })
  .strict();
const PostMessage = z.union([
  z.object({ text: z.string().min(1).max(LIMITS.textMaxChars) }).strict(),
  z.object({ optionId: z.string().min(1).max(LIMITS.idMaxChars) }).strict(),
]);

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

const rawBodies = new WeakMap<object, Buffer>();

/** The exact bytes of a JSON request body, as received. */
export function rawBodyOf(req: Request): Buffer | undefined {
  return rawBodies.get(req);
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new HttpError(
    400,
    'BAD_REQUEST',
    'The request body is not valid.',
    result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
  );
}

export function createHttpApp(options: HttpOptions): express.Express {
  const { chat, logger, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The widget connects back to its own origin over WebSocket.
          'connect-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          // Served over plain HTTP on a LAN or loopback too; TLS is the proxy's job.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use(
    express.json({
      limit: '16kb',
      // Kept for routes that check a signature over the exact bytes (the status webhook).
      verify: (req, _res, buf) => rawBodies.set(req, Buffer.from(buf)),
    }),
  );

  app.get('/health', (_req, res) => {
    // Still 200 while a dependency is away (liveness); the body says what is missing.
    const problems = options.health?.() ?? {};
    res.json({
      status: 'ok',
      uptimeSeconds: Math.round(process.uptime()),
      ...(Object.keys(problems).length > 0 && { problems }),
    });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // The widget is embedded on other sites: its script may be loaded cross-origin.
  app.use(
    express.static(options.widgetDir, {
      index: false,
      maxAge: '5m',
      setHeaders: (res) => res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin'),
    }),
  );
  app.use(express.static(options.pagesDir, { index: 'index.html', extensions: ['html'] }));

  const replies = (frames: { type: string }[]) =>
    frames.filter((f): f is ReplyFrame => f.type === 'reply');

  if (options.restLimits) app.use('/api/v1/conversations', createRestLimit(options.restLimits));

  /** The verified person of a REST call (Authorization: Bearer <identity token>), if any. */
  async function callerOf(req: Request): Promise<Identity | undefined> {
    const header = req.get('authorization');
    if (header === undefined) return undefined;
    const match = /^Bearer (\S{1,8192})$/i.exec(header);
    if (!match?.[1] || !options.verifyIdentity)
      throw new HttpError(
        401,
        'AUTH_INVALID_TOKEN',
        'Send Authorization: Bearer <identity token>.',
      );
    try {
      return await options.verifyIdentity(match[1]);
    } catch {
      throw new HttpError(401, 'AUTH_INVALID_TOKEN', 'The identity token could not be verified.');
    }
  }

  app.post('/api/v1/conversations', async (req, res) => {
    const body = parseBody(CreateConversation, req.body);
    const identity = await callerOf(req);
    const { session, replay } = await chat.open({
      lang: body.lang,
      channel: 'rest',
      ...(identity && { identity }),
    });
    metrics.turns.inc({ channel: 'rest' });
    res.status(201).json({ id: session.id, lang: session.lang, replies: replies(replay) });
  });

  // The REST turn: the same pipeline and the same resume rule as the socket (a signed-in
  // conversation goes on only for the same verified person).
  app.post('/api/v1/conversations/:id/messages', async (req: Request<{ id: string }>, res) => {
    const body = parseBody(PostMessage, req.body);
    const identity = await callerOf(req);
    const id = crypto.randomUUID();
    let turn;
    try {
      turn = await chat.handle(
        req.params.id,
        'text' in body
          ? { type: 'message', id, text: body.text }
          : { type: 'choose', id, optionId: body.optionId },
        identity ? { identity } : {},
      );
    } catch (err) {
      if (err instanceof ForbiddenSessionError)
        throw new HttpError(403, 'FORBIDDEN', 'This conversation belongs to a signed-in person.');
      if (err instanceof Error && 'code' in err && err.code === 'UNKNOWN_SESSION')
        throw new HttpError(404, 'UNKNOWN_SESSION', 'No such conversation; it may have expired.');
      throw err;
    }
    options.onPresent?.(req.params.id);
    const said = (turn?.events ?? []).flatMap((e) =>
      e.type === 'assistant-said' ? [e.frame] : [],
    );
    res.json({ replies: said });
  });

  // The REST client's poll: the replies after `after` (an agent's answers, queue positions,
  // status changes), and presence while it waits in the handover queue.
  app.get('/api/v1/conversations/:id/replies', async (req: Request<{ id: string }>, res) => {
    const result = PollQuery.safeParse(req.query);
    if (!result.success)
      throw new HttpError(
        400,
        'BAD_QUERY',
        'The query parameters are not valid.',
        result.error.issues.map((i) => ({
          path: i.path.join('.') || '(query)',
          message: i.message,
        })),
      );
    const identity = await callerOf(req);
    const session = await chat.load(req.params.id);
    if (!session)
      throw new HttpError(404, 'UNKNOWN_SESSION', 'No such conversation; it may have expired.');
    if (accessTo(session, identity) === 'refuse')
      throw new HttpError(403, 'FORBIDDEN', 'This conversation belongs to a signed-in person.');
    options.onPresent?.(session.id);
    const frames = (await chat.historyAfter(session.id, result.data.after)) ?? [];
    res.setHeader('Cache-Control', 'no-store');
    res.json({ replies: replies(frames), lastSeq: frames.at(-1)?.seq ?? result.data.after });
  });

  options.extend?.(app);

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such path.' } });
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({
        error: {
          code: err.code,
          message: err.message,
          ...(err.issues && { issues: err.issues }),
        },
      });
      return;
    }
    // express.json() raises these for malformed or oversized bodies.
    const status =
      typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    if (status >= 400 && status < 500) {
      const message = err instanceof Error ? err.message : 'Bad request';
      res
        .status(status)
        .json({ error: { code: status === 413 ? 'TOO_LARGE' : 'BAD_REQUEST', message } });
      return;
    }
    logger.error({ err }, 'request failed');
    metrics.errors.inc({ code: 'INTERNAL' });
    res
      .status(500)
      .json({ error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } });
  });
  return app;
}
