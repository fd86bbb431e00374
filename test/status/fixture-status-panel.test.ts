import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createFixtureStatusPanel,
  FixtureDataError,
  loadDemoPersons,
} from '../../src/status/fixture-status-panel.js';
import { isValidPersonalCode } from '../../src/identity/personal-code.js';
import { LIFE_EVENTS } from '../../src/nlu/types.js';
import { SERVICE_STATES } from '../../src/status/status-schema.js';

describe('fixture demo persons', () => {
  const data = loadDemoPersons();

  it('has at least 8 clearly fictional persons with valid personal codes', () => {
    expect(data.persons.length).toBeGreaterThanOrEqual(8);
    for (const p of data.persons) {
      expect(p.name).toContain('(demo)');
      expect(isValidPersonalCode(p.personalCode)).toBe(true);
    }
  });

  it('covers every life event and every sub-service state', () => {
    const events = new Set(data.persons.flatMap((p) => p.lifeEvents.map((le) => le.lifeEvent)));
    expect([...events].sort()).toEqual([...LIFE_EVENTS].sort());
    const states = new Set(
      data.persons.flatMap((p) => p.lifeEvents.flatMap((le) => le.services.map((s) => s.state))),
    );
    expect([...states].sort()).toEqual([...SERVICE_STATES].sort());
    expect(data.persons.some((p) => p.offers.length > 0)).toBe(true);
    expect(data.persons.some((p) => p.lifeEvents.length === 0)).toBe(true);
  });

  it('refuses a data file with a bad checksum, a duplicate id or a real-looking name, listing each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
    const file = join(dir, 'persons.json');
    const person = data.persons[0]!;
    writeFileSync(
      file,
      JSON.stringify({
        updatedAt: data.updatedAt,
        persons: [
          { ...person, personalCode: '38001085719' },
          { ...person, name: 'Real Person' },
        ],
      }),
    );
    let message = '';
    try {
      loadDemoPersons(file);
    } catch (err) {
      expect(err).toBeInstanceOf(FixtureDataError);
      message = (err as Error).message;
    }
    expect(message).toContain('persons.0.personalCode');
    expect(message).toContain('check digit');
    expect(message).toContain('persons.1.name');
    expect(message).toContain('duplicate id:');
  });
});

describe('fixture status panel', () => {
  const panel = createFixtureStatusPanel();

  it("gives a person's own life events and offers", async () => {
    const status = await panel.getStatus('49211110006');
    expect(status.lifeEvents.map((le) => le.lifeEvent)).toEqual(['marriage', 'child-birth']);
    expect(status.offers).toEqual([
      expect.objectContaining({ serviceId: 'birth-maternity-benefit', lifeEvent: 'child-birth' }),
    ]);
    const maternity = status.lifeEvents[1]!.services[0]!;
    expect(maternity.nextStep).toMatch(/^Kinnita ema vanemahüvitise pakkumus/);
    expect(maternity.nextStepByLang?.en).toMatch(/Confirm/);
  });

  it('gives an empty status for a person it does not know', async () => {
    expect(await panel.getStatus('38001085718')).toEqual({ lifeEvents: [], offers: [] });
  });

  it('hands out copies, so a caller cannot change the next answer', async () => {
    const first = await panel.getStatus('49005120001');
    first.lifeEvents.length = 0;
    expect((await panel.getStatus('49005120001')).lifeEvents).toHaveLength(1);
  });
});

describe('demoIdentity', () => {
  it('gives the identity of a demo person by id, for scripted conversations', async () => {
    const { demoIdentity } = await import('../../src/identity/demo-sign-in.js');
    const persons = loadDemoPersons().persons;
    expect(demoIdentity(persons, 'anna-aas')).toEqual({
      subject: '49211110006',
      name: 'Anna Aas (demo)',
    });
    expect(demoIdentity(persons, 'nobody')).toBeUndefined();
  });
});
