/**
 * The back office over HTTP: the page (/staff) and its JSON API (/staff/api/...). Every API
 * route except login needs a staff session (401) and the right role (403); every
 * state-changing one also needs the session's CSRF token in X-CSRF-Token and, when the
 * browser sends one, this server's Origin. Opening a transcript, exports, deletions and
 * corrections are written to the audit log.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { HandoverError } from '../handover/handover.js';
import type { Pseudonymize } from '../privacy/pseudonym.js';
import { LANGS } from '../protocol/frames.js';
import type { CannedStore } from '../store/canned-store.js';
import type { StaffStore } from '../store/staff-store.js';
import {
  BadCursorError,
  OUTCOMES,
  type ConversationFilter,
  type ConversationSummary,
  type TranscriptMessage,
  type TranscriptStore,
} from '../store/transcript-store.js';
import { HttpError, parseBody } from '../transport/http.js';
import type { Metrics } from '../transport/metrics.js';
import { sameOrigin, type StaffAuth, type StaffPrincipal } from './auth.js';
import { CSV_BOM, csvLine, type CsvValue } from './csv.js';
import type { QueueView } from './queue-view.js';
import { CannedReply, type StaffLocales } from './staff-locales.js';
import { can, type Permission } from './roles.js';

export interface StaffRoutesOptions {
  auth: StaffAuth;
  staff: StaffStore;
  transcripts: TranscriptStore;
  /** The live queue with life events and first questions (src/staff/queue-view.ts). */
  queue: QueueView;
  pseudonymize: Pseudonymize;
  logger: Logger;
  metrics: Metrics;
  /** Folder with staff.js and staff.css (the built client). */
  assetsDir: string;
  /** Folder with index.html of the back office. */
  pagesDir: string;
  /** Interface texts (locales/<lang>/staff.json). */
  locales: StaffLocales;
  /** The canned replies, edited by admins (seeded from the same files). */
  canned: CannedStore;
  retentionDays: number;
  /** Writes queued transcripts before reading (a list right after a chat shows it). */
  flush: () => Promise<void>;
  /** Runs the purge now (admin). */
  purgeNow: () => Promise<unknown>;
  now?: () => number;
}

/** Intent ids a correction may name (shared/DESIGN.md); more may be added with the NLU. */
const INTENT_ID = z
  .string()
  .regex(/^[a-z][a-z-]{1,40}$/, 'must be an intent id such as marriage or out-of-scope');

const ListQuery = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    lifeEvent: z
      .string()
      .regex(/^[a-z()-]{1,40}$/)
      .optional(),
    lang: z.enum(LANGS).optional(),
    outcome: z.enum([...OUTCOMES, 'none']).optional(),
    rating: z.coerce.number().int().min(0).max(5).optional(),
    handedOver: z.enum(['true', 'false']).optional(),
    q: z.string().max(200).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const ExportQuery = ListQuery.omit({ cursor: true, limit: true }).extend({
  format: z.enum(['csv', 'json']).default('json'),
});

const LoginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();
const CorrectionBody = z.object({ intent: INTENT_ID.nullable() }).strict();
const SubjectBody = z
  .object({ personalCode: z.string().regex(/^\d{11}$/, 'must be an 11-digit personal code') })
  .strict();
const AuditQuery = z
  .object({
    before: z.coerce.number().int().optional(),
    actor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
const CannedParams = z.object({ lang: z.enum(LANGS), id: CannedReply.shape.id }).strict();
const CannedBody = z
  .object({
    label: z.string().trim().min(1, 'must not be empty').max(60),
    text: z.string().trim().min(1, 'must not be empty').max(2000),
  })
  .strict();
const RangeQuery = z
  .object({ from: z.iso.date().optional(), to: z.iso.date().optional() })
  .strict();

/** Most rows one export returns; narrow the filter for more. */
export const EXPORT_MAX_ROWS = 10_000;
const DAY = 86_400_000;

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffPrincipal;
  }
}

function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  throw new HttpError(
    400,
    'BAD_QUERY',
    'The query parameters are not valid.',
    result.error.issues.map((i) => ({ path: i.path.join('.') || '(query)', message: i.message })),
  );
}

type FilterQuery = Pick<
  z.infer<typeof ListQuery>,
  'from' | 'to' | 'lifeEvent' | 'lang' | 'outcome' | 'rating' | 'handedOver' | 'q'
>;

function toFilter(q: FilterQuery): ConversationFilter {
  return {
    from: q.from ? Date.parse(`${q.from}T00:00:00Z`) : undefined,
    to: q.to ? Date.parse(`${q.to}T00:00:00Z`) + DAY : undefined,
    lifeEvent: q.lifeEvent,
    lang: q.lang,
    outcome: q.outcome,
    rating: q.rating,
    handedOver: q.handedOver === undefined ? undefined : q.handedOver === 'true',
    q: q.q,
  };
}

export function createStaffRoutes(options: StaffRoutesOptions): express.Router {
  const { auth, staff, transcripts, logger } = options;
  const now = options.now ?? Date.now;
  const router = express.Router();

  const audit = async (actor: string, action: string, target?: string, detail?: unknown) => {
    await staff.audit({
      id: randomUUID(),
      at: now(),
      actor,
      action,
      target: target ?? null,
      detail: detail === undefined ? null : JSON.stringify(detail),
    });
  };

  /** Session, role and (for changes) CSRF token and Origin. */
  const requires =
    (...permissions: Permission[]) =>
    async (req: Request, res: Response, next: NextFunction) => {
      res.setHeader('Cache-Control', 'no-store');
      const principal = await auth.principal(req);
      if (!principal) throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in to the back office.');
      if (!permissions.some((p) => can(principal.role, p)))
        throw new HttpError(403, 'FORBIDDEN', `The ${principal.role} role may not do this.`);
      if (!['GET', 'HEAD'].includes(req.method)) {
        if (!sameOrigin(req))
          throw new HttpError(403, 'BAD_ORIGIN', 'The request comes from another site.');
        if (req.get('x-csrf-token') !== principal.csrfToken)
          throw new HttpError(403, 'CSRF', 'Missing or wrong X-CSRF-Token; reload the page.');
      }
      req.staff = principal;
      next();
    };
  const who = (req: Request): StaffPrincipal => {
    if (!req.staff) throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in to the back office.');
    return req.staff;
  };

  // The page and its script: no data in them, so no session needed to load them.
  router.get(['/', '/index.html'], (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile('index.html', { root: options.pagesDir });
  });
  // The interface texts: public, like the page (they hold no data).
  const uiLangs = LANGS.filter((l) => options.locales.ui[l]);
  router.get('/i18n/index.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ langs: uiLangs });
  });
  router.get('/i18n/:lang.json', (req: Request<{ lang: string }>, res) => {
    const texts = options.locales.ui[req.params.lang as (typeof LANGS)[number]];
    if (!texts)
      throw new HttpError(404, 'NOT_FOUND', `No back-office texts in ${req.params.lang}.`);
    res.setHeader('Cache-Control', 'no-cache');
    res.json(texts);
  });
  router.use(express.static(options.assetsDir, { index: false, maxAge: '5m' }));
  router.use(express.static(options.pagesDir, { index: false, maxAge: '5m' }));

  const api = express.Router();
  router.use('/api', api);

  api.post('/login', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!sameOrigin(req))
      throw new HttpError(403, 'BAD_ORIGIN', 'The request comes from another site.');
    const body = parseBody(LoginBody, req.body);
    const address = req.socket.remoteAddress ?? 'unknown';
    const result = await auth.login(body.username, body.password, address);
    options.metrics.staffLogins.inc({ result: result.type });
    if (result.type === 'busy') {
      res.setHeader('Retry-After', '1');
      throw new HttpError(503, 'BUSY', 'Too many sign-ins at once; try again in a moment.');
    }
    if (result.type === 'locked') {
      res.setHeader('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
      throw new HttpError(429, 'LOCKED', 'Too many failed sign-ins; try again later.');
    }
    if (result.type === 'invalid') {
      logger.warn({ username: body.username, address }, 'staff sign-in failed');
      throw new HttpError(401, 'BAD_CREDENTIALS', 'Wrong user name or password.');
    }
    res.setHeader('Set-Cookie', result.cookie);
    await audit(result.principal.username, 'login');
    res.json({
      username: result.principal.username,
      role: result.principal.role,
      csrfToken: result.principal.csrfToken,
    });
  });

  api.get('/me', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const principal = await auth.principal(req);
    if (!principal) throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in to the back office.');
    res.json({
      username: principal.username,
      role: principal.role,
      csrfToken: principal.csrfToken,
    });
  });

  api.post('/logout', requires('live', 'transcripts:handover', 'admin'), async (req, res) => {
    const cookie = await auth.logout(who(req));
    res.setHeader('Set-Cookie', cookie);
    res.status(204).end();
  });

  // --- transcripts -------------------------------------------------------------------------

  /** Agents see only conversations that were handed over to a person. */
  const scoped = (req: Request, filter: ConversationFilter): ConversationFilter =>
    can(who(req).role, 'transcripts') ? filter : { ...filter, handedOver: true };

  api.get('/conversations', requires('transcripts', 'transcripts:handover'), async (req, res) => {
    const q = parseQuery(ListQuery, req.query);
    await options.flush();
    const started = performance.now();
    try {
      const page = await transcripts.list(scoped(req, toFilter(q)), {
        limit: q.limit,
        cursor: q.cursor,
      });
      res.setHeader('Server-Timing', `db;dur=${(performance.now() - started).toFixed(1)}`);
      res.json(page);
    } catch (err) {
      if (err instanceof BadCursorError) throw new HttpError(400, err.code, err.message);
      throw err;
    }
  });

  api.get(
    '/conversations/:id',
    requires('transcripts', 'transcripts:handover'),
    async (req: Request<{ id: string }>, res) => {
      await options.flush();
      const t = await transcripts.get(req.params.id);
      const principal = who(req);
      if (!t || (!can(principal.role, 'transcripts') && !t.conversation.handedOver))
        throw new HttpError(404, 'NOT_FOUND', 'No such conversation (or not one you may open).');
      await audit(principal.username, 'open-transcript', req.params.id);
      res.json(t);
    },
  );

  // Full transcripts (redacted, as stored): JSON one object per conversation with its
  // messages; CSV one row per message with its conversation's columns.
  api.get('/export', requires('transcripts'), async (req, res) => {
    const q = parseQuery(ExportQuery, req.query);
    await options.flush();
    const filter = toFilter(q);
    const items: ConversationSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await transcripts.list(filter, { limit: 200, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < EXPORT_MAX_ROWS);
    const rows = items.slice(0, EXPORT_MAX_ROWS);
    await audit(who(req).username, 'export', undefined, {
      format: q.format,
      filter: q,
      rows: rows.length,
    });
    const stamp = new Date(now()).toISOString().slice(0, 10);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="conversations-${stamp}.${q.format}"`,
    );
    if (cursor || items.length > EXPORT_MAX_ROWS)
      res.setHeader('X-Truncated', String(EXPORT_MAX_ROWS));
    res.type(q.format === 'json' ? 'application/json' : 'text/csv; charset=utf-8');
    res.write(q.format === 'json' ? '[' : CSV_BOM + csvLine(CSV_COLUMNS));
    // A chunk of conversations at a time: the messages of 10,000 are never all in memory.
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      const messages = await transcripts.messagesOf(chunk.map((r) => r.id));
      const out: string[] = [];
      for (const [n, r] of chunk.entries()) {
        const list = messages.get(r.id) ?? [];
        if (q.format === 'json')
          out.push(`${i + n > 0 ? ',' : ''}\n${JSON.stringify({ ...r, messages: list })}`);
        else out.push(...list.map((m) => csvLine(csvRow(r, m))));
      }
      if (!res.write(out.join(''))) await new Promise((r) => res.once('drain', r));
    }
    res.end(q.format === 'json' ? '\n]\n' : '');
  });

  api.put(
    '/conversations/:id/messages/:seq/correction',
    requires('training'),
    async (req: Request<{ id: string; seq: string }>, res) => {
      const body = parseBody(CorrectionBody, req.body);
      const seq = Number(req.params.seq);
      if (!Number.isInteger(seq) || seq < 1)
        throw new HttpError(400, 'BAD_REQUEST', 'seq must be a positive whole number.');
      const principal = who(req);
      const ok = await transcripts.correct(
        req.params.id,
        seq,
        body.intent,
        principal.username,
        now(),
      );
      if (!ok) throw new HttpError(404, 'NOT_FOUND', 'No such citizen message.');
      await audit(
        principal.username,
        body.intent ? 'mark-misclassified' : 'clear-misclassified',
        `${req.params.id}#${seq}`,
        body,
      );
      res.json({ ok: true });
    },
  );

  api.get('/training-examples', requires('training'), async (req, res) => {
    const { format } = parseQuery(
      z.object({ format: z.enum(['yaml', 'jsonl']).default('yaml') }).strict(),
      req.query,
    );
    const examples = await transcripts.trainingExamples();
    await audit(who(req).username, 'export-training', undefined, { format, rows: examples.length });
    if (format === 'jsonl') {
      res
        .type('application/x-ndjson; charset=utf-8')
        .send(examples.map((e) => JSON.stringify(e)).join('\n') + (examples.length ? '\n' : ''));
      return;
    }
    // The intents/<lang>/<intent>.yaml format, one YAML document per intent and language.
    const groups = new Map<string, { intent: string; lang: string; examples: string[] }>();
    for (const e of examples) {
      const key = `${e.lang}/${e.intent}`;
      const g = groups.get(key) ?? { intent: e.intent, lang: e.lang, examples: [] };
      if (!g.examples.includes(e.text)) g.examples.push(e.text);
      groups.set(key, g);
    }
    const docs = [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, g]) => `# intents/${key}.yaml\n${toYaml(g)}`);
    res.type('application/yaml; charset=utf-8').send(docs.join('---\n'));
  });

  // --- analytics ---------------------------------------------------------------------------

  api.get('/analytics', requires('analytics'), async (req, res) => {
    const q = parseQuery(RangeQuery, req.query);
    await options.flush();
    const to = q.to ? Date.parse(`${q.to}T00:00:00Z`) + DAY : now();
    const from = q.from ? Date.parse(`${q.from}T00:00:00Z`) : to - 30 * DAY;
    const rows = await transcripts.analytics({ from, to });
    res.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), rows });
  });

  // --- live handover -----------------------------------------------------------------------

  api.get('/queue', requires('live'), async (_req, res) => {
    res.json(await options.queue());
  });

  api.get('/canned-replies', requires('live', 'canned'), async (_req, res) => {
    res.json(await options.canned.list());
  });

  const cannedParams = (params: unknown) => {
    const r = CannedParams.safeParse(params);
    if (r.success) return r.data;
    throw new HttpError(
      400,
      'BAD_REQUEST',
      'The language or id is not valid.',
      r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  };

  // Admins add or change a canned reply (PUT creates or replaces it) and delete one; each
  // change is audited with what it was and what it became.
  api.put(
    '/canned-replies/:lang/:id',
    requires('canned'),
    async (req: Request<{ lang: string; id: string }>, res) => {
      const { lang, id } = cannedParams(req.params);
      const body = parseBody(CannedBody, req.body);
      const principal = who(req);
      const after = { id, label: body.label, text: body.text };
      const { before } = await options.canned.put(lang, after, principal.username, now());
      await audit(principal.username, before ? 'canned-update' : 'canned-create', `${lang}/${id}`, {
        ...(before && { before: { label: before.label, text: before.text } }),
        after: { label: after.label, text: after.text },
      });
      res.status(before ? 200 : 201).json(after);
    },
  );

  api.delete(
    '/canned-replies/:lang/:id',
    requires('canned'),
    async (req: Request<{ lang: string; id: string }>, res) => {
      const { lang, id } = cannedParams(req.params);
      const principal = who(req);
      const before = await options.canned.remove(lang, id, principal.username, now());
      if (!before) throw new HttpError(404, 'NOT_FOUND', 'No such canned reply.');
      await audit(principal.username, 'canned-delete', `${lang}/${id}`, {
        before: { label: before.label, text: before.text },
      });
      res.status(204).end();
    },
  );

  api.get('/contact-requests', requires('live'), async (req, res) => {
    const { all } = parseQuery(
      z.object({ all: z.enum(['true', 'false']).default('false') }).strict(),
      req.query,
    );
    res.json(await staff.contactRequests(all !== 'true'));
  });

  api.post(
    '/contact-requests/:id/handled',
    requires('live'),
    async (req: Request<{ id: string }>, res) => {
      const principal = who(req);
      if (!(await staff.markContactHandled(req.params.id, principal.username, now())))
        throw new HttpError(404, 'NOT_FOUND', 'No such open contact request.');
      await audit(principal.username, 'contact-handled', req.params.id);
      res.json({ ok: true });
    },
  );

  // --- admin -------------------------------------------------------------------------------

  api.delete('/conversations/:id', requires('admin'), async (req: Request<{ id: string }>, res) => {
    await options.flush();
    const n = await transcripts.deleteConversations([req.params.id]);
    if (n === 0) throw new HttpError(404, 'NOT_FOUND', 'No such conversation.');
    await audit(who(req).username, 'delete-conversation', req.params.id);
    res.json({ deleted: n });
  });

  api.delete('/subjects', requires('admin'), async (req, res) => {
    const body = parseBody(SubjectBody, req.body);
    await options.flush();
    const pseudonym = options.pseudonymize(body.personalCode);
    const n = await transcripts.deleteConversations(await transcripts.idsOfSubject(pseudonym));
    // The audit entry names the pseudonym, never the personal code.
    await audit(who(req).username, 'delete-subject', pseudonym.slice(0, 16), { deleted: n });
    res.json({ deleted: n });
  });

  api.get('/retention', requires('admin'), (_req, res) => {
    res.json({ retentionDays: options.retentionDays });
  });

  api.post('/retention/purge', requires('admin'), async (req, res) => {
    const report = await options.purgeNow();
    await audit(who(req).username, 'purge', undefined, report);
    res.json(report);
  });

  api.get('/audit', requires('admin'), async (req, res) => {
    const q = parseQuery(AuditQuery, req.query);
    res.json(await staff.auditLog(q));
  });

  api.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'No such back-office path.')));
  return router;
}

/** HandoverError -> 409 for the JSON API and the agent socket. */
export function handoverStatus(err: unknown): number | undefined {
  return err instanceof HandoverError ? 409 : undefined;
}

const CSV_COLUMNS = [
  'conversationId',
  'startedAt',
  'endedAt',
  'lang',
  'channel',
  'lifeEvents',
  'outcome',
  'rating',
  'handedOver',
  'seq',
  'at',
  'role',
  'text',
  'intent',
  'confidence',
  'node',
  'correctedIntent',
] as const;

const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());

function csvRow(c: ConversationSummary, m: TranscriptMessage): CsvValue[] {
  return [
    c.id,
    iso(c.startedAt),
    iso(c.endedAt),
    c.lang,
    c.channel,
    c.lifeEvents,
    c.outcome,
    c.rating,
    c.handedOver,
    m.seq,
    iso(m.at),
    m.role,
    m.text,
    m.intent,
    m.confidence,
    m.node,
    m.correctedIntent,
  ];
}
