/**
 * The embedded default status panel: clearly fictional demo persons from a data file,
 * validated at load (every personal code checksum-valid, every id unique).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from '../paths.js';
import type { PersonStatus } from '../core/status.js';
import type { StatusPanel } from './status-panel.js';
import {
  DemoPersonsFile,
  toPersonStatus,
  type DemoPerson,
  type WirePersonStatus,
} from './status-schema.js';

// From the repository root, so the compiled server (dist/main.js) finds it too.
export const DEFAULT_DEMO_PERSONS_FILE = join(ROOT_DIR, 'src', 'status', 'demo-persons.json');

export class FixtureDataError extends Error {
  override name = 'FixtureDataError';
  readonly code = 'FIXTURE_INVALID';
}

/** Reads and validates the demo persons; throws listing every problem with its path. */
export function loadDemoPersons(file = DEFAULT_DEMO_PERSONS_FILE): DemoPersonsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FixtureDataError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = DemoPersonsFile.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new FixtureDataError(`${file} is not valid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The wire answer for a demo person (what the mock server serves). */
export function demoPersonWire(person: DemoPerson, updatedAt: string): WirePersonStatus {
  return {
    personalCode: person.personalCode,
    updatedAt,
    lifeEvents: person.lifeEvents,
    offers: person.offers,
  };
}

export interface FixtureStatusPanel extends StatusPanel {
  readonly persons: readonly DemoPerson[];
  /** The wire answer for a code, undefined for a person not in the fixture. */
  wire(personalCode: string): WirePersonStatus | undefined;
}

export function createFixtureStatusPanel(
  data: DemoPersonsFile = loadDemoPersons(),
): FixtureStatusPanel {
  const byCode = new Map(data.persons.map((p) => [p.personalCode, p]));
  const wire = (code: string) => {
    const person = byCode.get(code);
    return person && demoPersonWire(person, data.updatedAt);
  };
  return {
    persons: data.persons,
    wire,
    getStatus(personalCode) {
      const w = wire(personalCode);
      const status: PersonStatus = w ? toPersonStatus(w) : { lifeEvents: [], offers: [] };
      // A copy, so a caller cannot change the fixture for the next one.
      return Promise.resolve(structuredClone(status));
    },
  };
}
