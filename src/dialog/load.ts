/**
 * Reads dialogs/ and locales/ from disk, validates them with the schemas and the cross-checks,
 * and returns a typed bundle. The only file in src/dialog/ that does I/O; everything it returns
 * is plain data the pure engine can use.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { LANGS, type Lang } from '../protocol/frames.js';
import { LIFE_EVENTS, type LifeEventId } from '../nlu/types.js';
import {
  AgencyId,
  Catalog,
  CatalogService,
  Dialog,
  LifeEvent,
  Municipalities,
  OfficialDomains,
  type Municipality,
  type OfficialDomains as OfficialDomainsData,
} from './schema.js';
import { checkDialogBundle } from './check.js';
import { DialogDataError, isError, type Problem } from './problem.js';

/** dialog and catalog: content's texts; conversation and glossary: the engine's own (contract 4). */
export const NAMESPACES = ['dialog', 'catalog', 'conversation', 'glossary'] as const;
export type Namespace = (typeof NAMESPACES)[number];
export type JsonTree = { [key: string]: string | JsonTree };
export type Resources = Record<Lang, Record<Namespace, JsonTree>>;

export interface LoadedDialog {
  file: string;
  dialog: Dialog;
}

export interface DialogBundle {
  catalogFile: string;
  catalog: Catalog;
  municipalitiesFile: string;
  /** The 79 local governments and the `all` entry (dialogs/municipalities.yaml). */
  municipalities: Municipality[];
  domainsFile: string;
  /** The official domains a link may use (dialogs/official-domains.yaml). */
  officialDomains: OfficialDomainsData['domains'];
  dialogs: Partial<Record<LifeEventId, LoadedDialog>>;
  resources: Resources;
  /** `locales/<lang>/<ns>.json`, for problem reports. */
  localeFile(lang: Lang, ns: Namespace): string;
}

export interface ReadResult {
  /** Present when every file parsed and matched its schema (cross-checks not yet run). */
  bundle?: DialogBundle;
  problems: Problem[];
}

const localeFile = (lang: Lang, ns: Namespace): string => `locales/${lang}/${ns}.json`;

function zodProblems(file: string, error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    file,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

function readYaml(rootDir: string, file: string, problems: Problem[]): unknown {
  const doc = parseDocument(readFileSync(join(rootDir, file), 'utf8'));
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const where = e.linePos?.[0] ? `line ${e.linePos[0].line}` : '';
      problems.push({ file, path: where, message: `valid YAML (${e.code})` });
    }
    return undefined;
  }
  return doc.toJS() as unknown;
}

function isTree(value: unknown): value is JsonTree {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string' || isTree(v));
}

function readLocale(rootDir: string, file: string, problems: Problem[]): JsonTree {
  const full = join(rootDir, file);
  if (!existsSync(full)) {
    problems.push({ file, path: '', message: 'the file to exist' });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(full, 'utf8'));
  } catch (e) {
    problems.push({ file, path: '', message: `valid JSON (${(e as Error).message})` });
    return {};
  }
  if (!isTree(parsed)) {
    problems.push({ file, path: '', message: 'an object whose leaves are all strings' });
    return {};
  }
  return parsed;
}

/**
 * The valid parts of a catalog that failed its schema, so the cross-checks can still report
 * everything else in the same run (the schema problems are already listed).
 */
function salvageCatalog(raw: unknown): Catalog {
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const agencies = Array.isArray(obj.agencies)
    ? obj.agencies.filter((a) => AgencyId.safeParse(a).success).map(String)
    : [];
  const lifeEvents: Catalog['lifeEvents'] = [];
  for (const entry of Array.isArray(obj.lifeEvents) ? (obj.lifeEvents as unknown[]) : []) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const id = LifeEvent.safeParse(e.id);
    if (!id.success) continue;
    const services = (Array.isArray(e.services) ? (e.services as unknown[]) : []).flatMap((s) => {
      const parsed = CatalogService.safeParse(s);
      return parsed.success ? [parsed.data] : [];
    });
    lifeEvents.push({ id: id.data, services });
  }
  return { agencies, lifeEvents };
}

/** Data files in dialogs/ that are not dialog trees. */
export const DATA_FILES = ['catalog.yaml', 'municipalities.yaml', 'official-domains.yaml'];

function readData<T>(
  rootDir: string,
  file: string,
  schema: z.ZodType<T>,
  problems: Problem[],
): T | undefined {
  if (!existsSync(join(rootDir, file))) {
    problems.push({ file, path: '', message: 'the file to exist' });
    return undefined;
  }
  const raw = readYaml(rootDir, file, problems);
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  problems.push(...zodProblems(file, parsed.error));
  return undefined;
}

/** Reads and schema-validates everything; collects every problem instead of stopping. */
export function readDialogBundle(rootDir = '.'): ReadResult {
  const problems: Problem[] = [];
  const catalogFile = 'dialogs/catalog.yaml';
  let catalog: Catalog | undefined;
  if (!existsSync(join(rootDir, catalogFile))) {
    problems.push({ file: catalogFile, path: '', message: 'the service catalog to exist' });
  } else {
    const raw = readYaml(rootDir, catalogFile, problems);
    if (raw !== undefined) {
      const parsed = Catalog.safeParse(raw);
      if (parsed.success) catalog = parsed.data;
      else {
        problems.push(...zodProblems(catalogFile, parsed.error));
        catalog = salvageCatalog(raw);
      }
    }
  }

  const dialogs: Partial<Record<LifeEventId, LoadedDialog>> = {};
  const dir = join(rootDir, 'dialogs');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
  for (const name of files.sort()) {
    if (DATA_FILES.includes(name)) continue;
    const file = `dialogs/${name}`;
    const id = name.replace(/\.ya?ml$/, '');
    if (!(LIFE_EVENTS as readonly string[]).includes(id)) {
      problems.push({
        file,
        path: '',
        message: `a file named after a life event (${LIFE_EVENTS.join(', ')}) or catalog.yaml`,
      });
      continue;
    }
    const raw = readYaml(rootDir, file, problems);
    if (raw === undefined) continue;
    const parsed = Dialog.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error));
      continue;
    }
    if (parsed.data.lifeEvent !== id) {
      problems.push({ file, path: 'lifeEvent', message: `"${id}" to match the file name` });
      continue;
    }
    dialogs[parsed.data.lifeEvent] = { file, dialog: parsed.data };
  }

  const resources = {} as Resources;
  for (const lang of LANGS) {
    resources[lang] = { dialog: {}, catalog: {}, conversation: {}, glossary: {} };
    for (const ns of NAMESPACES) {
      resources[lang][ns] = readLocale(rootDir, localeFile(lang, ns), problems);
    }
  }

  const municipalitiesFile = 'dialogs/municipalities.yaml';
  const municipalities =
    readData(rootDir, municipalitiesFile, Municipalities, problems)?.municipalities ?? [];
  const domainsFile = 'dialogs/official-domains.yaml';
  const officialDomains = readData(rootDir, domainsFile, OfficialDomains, problems)?.domains ?? [];

  if (catalog === undefined) return { problems };
  return {
    bundle: {
      catalogFile,
      catalog,
      municipalitiesFile,
      municipalities,
      domainsFile,
      officialDomains,
      dialogs,
      resources,
      localeFile,
    },
    problems,
  };
}

/**
 * Loads the bundle the assistant runs on. Throws DialogDataError listing every problem (schema
 * and cross-checks) so a broken deploy fails at start, not in a conversation.
 */
export function loadDialogBundle(rootDir = '.'): DialogBundle {
  const { bundle, problems } = readDialogBundle(rootDir);
  const all = (bundle ? [...problems, ...checkDialogBundle(bundle)] : problems).filter(isError);
  if (all.length > 0 || !bundle) throw new DialogDataError(all);
  return bundle;
}
