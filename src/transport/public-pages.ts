/**
 * Public, server-rendered pages that need no JavaScript: the life-event catalog as the
 * strategy models it (/life-events, /life-events/{id}, in et/en/ru by path or ?lang=), the
 * same as JSON (/api/v1/life-events), and a conversation's plan on a page of its own
 * (/plan/{token}) holding only the dialog's answers and the services they lead to.
 * Every value in the HTML is escaped; every link comes from the checked catalog data.
 */
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { LANGS, type Lang } from '../protocol/frames.js';
import { LINE_DASH } from '../protocol/dash.js';
import { planMarker } from '../protocol/marker.js';
import { LIFE_EVENTS, type LifeEventId } from '../nlu/types.js';
import type { DialogBundle } from '../dialog/load.js';
import { createTexts, type Translate } from '../dialog/i18n.js';
import { factParams, formatCheckedDate, formatDate as formatFromDate } from '../dialog/direct.js';
import { factSource, indexLinks } from '../dialog/links.js';
import {
  deadlineLine,
  linkLanguageNote,
  providerName,
  serviceSummary,
  serviceText,
} from '../dialog/render.js';
import { planOf, type PlanAnswers } from '../dialog/plan.js';
import { localFigures } from '../dialog/local-figures.js';
import {
  EFFECTIVE_UNKNOWN,
  type CatalogFact,
  type CatalogService,
  type Maturity,
} from '../dialog/schema.js';
import type { PlanTokens } from './plan-token.js';

type MaturityLevel = z.infer<typeof Maturity>;

export interface PublicPagesOptions {
  bundle: DialogBundle;
  /** Seals and opens the conversation id in a plan's address. */
  tokens: PlanTokens;
  /**
   * The dialog answers of a live conversation, or undefined when it has expired. The only
   * view of session storage this module has (the composition root provides it).
   */
  loadPlanAnswers(conversationId: string): Promise<PlanAnswers | undefined>;
  /**
   * Origins of host pages on other sites (CORS_ORIGINS) whose widget may ask for the plan
   * address; the answer carries Access-Control-Allow-Origin for them only.
   */
  corsOrigins?: readonly string[];
}

const LEVELS: readonly MaturityLevel[] = ['information', 'data-exchange', 'proactive'];

/** Stands for a service's name in a template whose other words are escaped around it. */
const NAME_MARK = '\u0000name\u0000';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A life event is only as mature as its least mature core service: the person still has to
 * do that step themselves.
 */
export function eventMaturity(services: readonly CatalogService[]): MaturityLevel {
  const core = services.filter((s) => s.kind === 'core');
  const levels = (core.length > 0 ? core : services).map((s) => LEVELS.indexOf(s.maturity));
  return LEVELS[Math.min(...levels)] ?? 'information';
}

const LangQuery = z.object({ lang: z.enum(LANGS).optional() });

export function createPublicPages(options: PublicPagesOptions): express.Router {
  const { bundle, tokens } = options;
  const texts = createTexts(bundle.resources);
  const links = indexLinks(bundle.municipalities, bundle.officialDomains);
  const router = express.Router();

  const langOf = (req: Request, fromPath?: string): Lang => {
    if (fromPath && (LANGS as readonly string[]).includes(fromPath)) return fromPath as Lang;
    const q = LangQuery.safeParse(req.query);
    if (q.success && q.data.lang) return q.data.lang;
    const accepted = req.acceptsLanguages(...LANGS);
    return accepted ? (accepted as Lang) : 'et';
  };

  const eventsOf = () =>
    LIFE_EVENTS.map((id) => ({
      id,
      services: bundle.catalog.lifeEvents.find((e) => e.id === id)?.services ?? [],
    }));

  // ---- JSON ----------------------------------------------------------------------------

  const allLangs = (key: string, ns: 'catalog' | 'dialog' = 'catalog') =>
    Object.fromEntries(LANGS.map((l) => [l, texts[ns](l)(key)])) as Record<Lang, string>;

  const serviceJson = (s: CatalogService) => ({
    id: s.id,
    name: allLangs(`service.${s.id}.name`),
    summary: allLangs(`service.${s.id}.summary`),
    kind: s.kind,
    mode: s.mode,
    maturity: s.maturity,
    providers: s.providers.map((p) => ({ id: p, name: allLangs(`agency.${p}`) })),
    // null for a service with no confirmed page (`noLink`, its reason alongside).
    link: Object.fromEntries(LANGS.map((l) => [l, links.link(s, l) ?? null])) as Record<
      Lang,
      string | null
    >,
    ...(s.noLink === undefined ? {} : { noLink: s.noLink }),
    localGovernment: s.local === true,
    sources: s.sources,
    facts: (s.facts ?? []).map((f) => ({
      ...f,
      // The Estonian page (or the one page), and per language the page a reader of it is given;
      // null for a fact whose source is not shown (`noLink`, its reason alongside).
      source: factSource(f, 'et') || null,
      sourceByLang: Object.fromEntries(LANGS.map((l) => [l, factSource(f, l) || null])) as Record<
        Lang,
        string | null
      >,
      text: Object.fromEntries(
        LANGS.map((l) => [
          l,
          texts.catalog(l)(
            `service.${s.id}.facts.${f.id}`,
            factParams(f, l, texts.catalog(l), 'unit'),
          ),
        ]),
      ),
    })),
  });

  const eventJson = (e: { id: LifeEventId; services: CatalogService[] }) => ({
    id: e.id,
    name: allLangs(`lifeEvent.${e.id}.name`),
    maturity: eventMaturity(e.services),
    services: e.services.map(serviceJson),
  });

  router.get('/api/v1/life-events', (_req, res) => {
    res.json({ lifeEvents: eventsOf().map(eventJson) });
  });

  router.get('/api/v1/life-events/:id', (req: Request<{ id: string }>, res) => {
    const event = eventsOf().find((e) => e.id === req.params.id);
    if (!event) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such life event.' } });
      return;
    }
    res.json(eventJson(event));
  });

  // A widget embedded on another site asks from that site's origin: allowed for the listed
  // origins only (no credentials: the conversation id in the path is the credential).
  const cors = (req: Request, res: Response, next: () => void) => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin !== undefined && options.corsOrigins?.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'GET');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  };
  router.options('/api/v1/conversations/:id/plan', cors);

  // The widget asks for its conversation's plan address; the conversation id is the credential.
  router.get('/api/v1/conversations/:id/plan', cors, async (req: Request<{ id: string }>, res) => {
    const answers = await options.loadPlanAnswers(req.params.id);
    if (!answers) {
      res.status(404).json({
        error: { code: 'UNKNOWN_SESSION', message: 'No such conversation; it may have expired.' },
      });
      return;
    }
    res.json({ url: `/plan/${tokens.seal(req.params.id)}` });
  });

  // ---- HTML ----------------------------------------------------------------------------

  const page = (lang: Lang, title: string, body: string, alternates: string): string => {
    const tc = texts.catalog(lang);
    return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;color:#1a1a1a;background:#fff}
main,header,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
a{color:#0b4ea2}a:focus{outline:3px solid #f2a900;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #767676;padding:.4rem;text-align:left;vertical-align:top}
td p.muted{overflow-wrap:anywhere}
@media (max-width:50rem){table,caption,tbody,tr,th,td{display:block}thead{position:absolute;left:-9999px}tr{margin:0 0 1rem;border:1px solid #767676}th,td{border:0}td[data-label]::before{content:attr(data-label);display:block;font-weight:600}}
.level{font-weight:600}.muted{color:#4a4a4a}
@media print{nav,.skip{display:none}a{color:#000}}
</style>
</head>
<body>
<a class="skip" href="#main">${escapeHtml(tc('page.skip'))}</a>
${alternates ? `<header><nav aria-label="${escapeHtml(tc('page.languages'))}"><ul>${alternates}</ul></nav></header>` : ''}
<main id="main">
${body}
</main>
<footer><p class="muted">${escapeHtml(tc('page.footer'))}</p></footer>
</body>
</html>`;
  };

  const langLinks = (current: Lang, path: (l: Lang) => string): string =>
    LANGS.map((l) => {
      const label = escapeHtml(texts.catalog(l)('page.languageName'));
      return l === current
        ? `<li><span aria-current="page" lang="${l}">${label}</span></li>`
        : `<li><a href="${escapeHtml(path(l))}" lang="${l}" hreflang="${l}">${label}</a></li>`;
    }).join('');

  const level = (m: MaturityLevel, tc: Translate) =>
    `<span class="level">${escapeHtml(tc(`maturity.${m}`))}</span>`;

  const factLine = (s: CatalogService, f: CatalogFact, lang: Lang, tc: Translate): string => {
    const sentence = tc(`service.${s.id}.facts.${f.id}`, factParams(f, lang, tc, 'unit'));
    // No invented start date: a rule whose start no source states is "in force" plus the
    // checked date, as in the chat.
    const when =
      f.status === 'draft'
        ? tc('page.draft')
        : f.effective === EFFECTIVE_UNKNOWN
          ? tc('page.inForce')
          : f.status === 'adopted'
            ? tc('page.adopted', { date: formatFromDate(f.effective, lang) })
            : tc('page.effective', { date: formatFromDate(f.effective, lang) });
    // The note belongs to the sentence: it comes before the sentence's full stop, as in the chat
    // („… on 70 € (kehtib alates …).“). A fact whose source is not shown (`noLink`) has no link.
    const url = factSource(f, lang);
    const source = url ? `; <a href="${escapeHtml(url)}">${escapeHtml(tc('page.source'))}</a>` : '';
    return `<li>${escapeHtml(sentence.replace(/\.$/, ''))} <span class="muted">(${escapeHtml(when)}; ${escapeHtml(
      tc('page.checked', { date: formatCheckedDate(f.checked, lang) }),
    )}${source})</span>.</li>`;
  };

  const serviceRow = (s: CatalogService, lang: Lang, municipality?: string): string => {
    const tc = texts.catalog(lang);
    const td = texts.dialog(lang);
    const url = links.link(s, lang, municipality);
    const name = escapeHtml(tc(`service.${s.id}.name`));
    const facts = (s.facts ?? []).map((f) => factLine(s, f, lang, tc)).join('');
    const sources = s.sources
      .map(
        (u, i) => `<a href="${escapeHtml(u)}">${escapeHtml(tc('page.sourceN', { n: i + 1 }))}</a>`,
      )
      .join(', ');
    return `<tr>
<th scope="row">${url ? `<a href="${escapeHtml(url)}">${name}</a>` : name}<br><span class="muted">${escapeHtml(tc(`kind.${s.kind}`))}</span></th>
<td data-label="${escapeHtml(tc('page.provider'))}">${escapeHtml(s.providers.map((p) => tc(`agency.${p}`)).join(' / '))}</td>
<td data-label="${escapeHtml(tc('page.mode'))}">${escapeHtml(td(`mode.${planMarker(s)}`))}</td>
<td data-label="${escapeHtml(tc('page.maturity'))}">${level(s.maturity, tc)}</td>
<td data-label="${escapeHtml(tc('page.details'))}">${escapeHtml(serviceSummary(s, tc, url, lang, links.pageLanguage))}${facts ? `<ul>${facts}</ul>` : ''}${sources ? `<p class="muted">${escapeHtml(tc('page.sources'))}: ${sources}</p>` : ''}</td>
</tr>`;
  };

  const servicesTable = (services: CatalogService[], lang: Lang, caption: string, m?: string) => {
    const tc = texts.catalog(lang);
    return `<table>
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">${escapeHtml(tc('page.service'))}</th><th scope="col">${escapeHtml(tc('page.provider'))}</th><th scope="col">${escapeHtml(tc('page.mode'))}</th><th scope="col">${escapeHtml(tc('page.maturity'))}</th><th scope="col">${escapeHtml(tc('page.details'))}</th></tr></thead>
<tbody>${services.map((s) => serviceRow(s, lang, m)).join('')}</tbody>
</table>`;
  };

  const legend = (tc: Translate) =>
    `<dl>${LEVELS.map(
      (m) => `<dt>${level(m, tc)}</dt><dd>${escapeHtml(tc(`maturity.${m}-about`))}</dd>`,
    ).join('')}</dl>`;

  const listPage = (req: Request, res: Response, pathLang?: string) => {
    const lang = langOf(req, pathLang);
    const tc = texts.catalog(lang);
    const items = eventsOf()
      .map(
        (e) =>
          // After the dash the line goes on in lower case („Abiellumine – elusündmuse küpsustase: …“).
          `<li><a href="/${lang}/life-events/${e.id}">${escapeHtml(tc(`lifeEvent.${e.id}.name`))}</a>${LINE_DASH[lang]}${escapeHtml(
            tc('page.eventLevelInline'),
          )}: ${level(eventMaturity(e.services), tc)} (${escapeHtml(
            tc('page.serviceCount', { count: e.services.length }),
          )})</li>`,
      )
      .join('');
    const body = `<h1>${escapeHtml(tc('page.title'))}</h1>
<p>${escapeHtml(tc('page.intro'))}</p>
<h2>${escapeHtml(tc('page.levels'))}</h2>
${legend(tc)}
<h2>${escapeHtml(tc('page.events'))}</h2>
<ul>${items}</ul>
<p><a href="/api/v1/life-events">${escapeHtml(tc('page.json'))}</a></p>`;
    res.type('html').send(
      page(
        lang,
        tc('page.title'),
        body,
        langLinks(lang, (l) => `/${l}/life-events`),
      ),
    );
  };

  const eventPage = (req: Request, res: Response, id: string, pathLang?: string) => {
    const lang = langOf(req, pathLang);
    const tc = texts.catalog(lang);
    const event = eventsOf().find((e) => e.id === id);
    if (!event) return notFound(res, lang);
    const name = tc(`lifeEvent.${event.id}.name`);
    const body = `<p><a href="/${lang}/life-events">${escapeHtml(tc('page.back'))}</a></p>
<h1>${escapeHtml(name)}</h1>
<p>${escapeHtml(tc('page.eventLevel'))}: ${level(eventMaturity(event.services), tc)}</p>
<p class="muted">${escapeHtml(tc('page.eventLevelAbout'))}</p>
${servicesTable(event.services, lang, tc('page.servicesOf', { event: name }))}
<p><a href="/api/v1/life-events/${event.id}">${escapeHtml(tc('page.json'))}</a></p>`;
    res.type('html').send(
      page(
        lang,
        name,
        body,
        langLinks(lang, (l) => `/${l}/life-events/${event.id}`),
      ),
    );
  };

  /** A 404 page: a title and one paragraph of already escaped HTML. */
  const gone = (res: Response, lang: Lang, title: string, paragraph: string, links: string) => {
    res
      .status(404)
      .type('html')
      .send(page(lang, title, `<h1>${escapeHtml(title)}</h1><p>${paragraph}</p>`, links));
  };

  const notFound = (res: Response, lang: Lang) => {
    const tc = texts.catalog(lang);
    gone(
      res,
      lang,
      tc('page.notFound'),
      `<a href="/${lang}/life-events">${escapeHtml(tc('page.back'))}</a>`,
      langLinks(lang, (l) => `/${l}/life-events`),
    );
  };

  router.get('/life-events', (req, res) => listPage(req, res));
  router.get('/life-events/:id', (req: Request<{ id: string }>, res) =>
    eventPage(req, res, req.params.id),
  );
  for (const l of LANGS) {
    router.get(`/${l}/life-events`, (req, res) => listPage(req, res, l));
    router.get(`/${l}/life-events/:id`, (req: Request<{ id: string }>, res) =>
      eventPage(req, res, req.params.id, l),
    );
  }

  router.get('/plan/:token', async (req: Request<{ token: string }>, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    const conversationId = tokens.open(req.params.token);
    const answers = conversationId ? await options.loadPlanAnswers(conversationId) : undefined;
    const plan = answers ? planOf(bundle, answers) : undefined;
    if (!answers || !plan) {
      const lang = langOf(req);
      const tc = texts.catalog(lang);
      gone(res, lang, tc('plan.goneTitle'), escapeHtml(tc('plan.goneText')), '');
      return;
    }
    const lang = answers.lang;
    const tc = texts.catalog(lang);
    const td = texts.dialog(lang);
    const event = tc(`lifeEvent.${plan.lifeEvent}.name`);
    // The municipality's own figures and deadline where it has them, as in the chat's plan.
    const own = plan.municipality ? links.municipality(plan.municipality) : undefined;
    const { summaryOf, deadlineOf } = localFigures(own, lang, tc, texts.conversation(lang));
    const answered = plan.answers
      .map(
        (a) =>
          `<dt>${escapeHtml(td(a.question))}</dt><dd>${escapeHtml('key' in a.answer ? td(a.answer.key) : a.answer.text)}</dd>`,
      )
      .join('');
    const steps = plan.services
      .map((s, i) => {
        const url = links.link(s, lang, plan.municipality);
        const due = deadlineOf(s);
        const deadline = due === undefined ? '' : `<br>${escapeHtml(deadlineLine(due, td))}`;
        const name = escapeHtml(serviceText(s, 'name', tc));
        // The entry's own words around the name, which is a link: the template is filled with
        // a marker for the name, escaped, and the marker replaced by the name's HTML.
        const entry = escapeHtml(
          td('checklist.entry', { name: NAME_MARK, mode: td(`mode.${planMarker(s)}`) }),
        );
        const provider = td('checklist.provider', { provider: providerName(s, tc, 'in-sentence') });
        // The page's language closes the entry, after the deadline (review 17 F-1).
        const language = linkLanguageNote(s, url, lang, tc, links.pageLanguage);
        const note = language ? ` ${escapeHtml(language)}` : '';
        return `<li id="step-${i + 1}">${entry.replace(
          NAME_MARK,
          `<strong>${url ? `<a href="${escapeHtml(url)}">${name}</a>` : name}</strong>`,
        )} ${escapeHtml(provider)}<br>${escapeHtml(summaryOf(s))}${deadline}${note}</li>`;
      })
      .join('');
    const body = `<h1>${escapeHtml(td('checklist.title', { event }))}</h1>
<p class="muted">${escapeHtml(tc('plan.expires'))}</p>
${plan.complete ? `<h2>${escapeHtml(tc('plan.steps'))}</h2><ol>${steps}</ol>` : `<p>${escapeHtml(tc('plan.incomplete'))}</p>`}
${answered ? `<h2>${escapeHtml(tc('plan.answers'))}</h2><dl>${answered}</dl>` : ''}
<p><a href="/${lang}/life-events/${plan.lifeEvent}">${escapeHtml(tc('plan.more', { event }))}</a></p>`;
    res.type('html').send(page(lang, td('checklist.title', { event }), body, ''));
  });

  return router;
}
