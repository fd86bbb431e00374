import { describe, expect, it } from 'vitest';
import { createInProcessDriver } from '../../src/converse/driver.js';
import { coverage } from '../../src/converse/coverage.js';
import { formatFailure, runScript } from '../../src/converse/runner.js';
import { parseScript, ScriptError } from '../../src/converse/script.js';
import { createLogger } from '../../src/logger.js';
import { createScriptedAssistant } from '../helpers/scripted-assistant.js';

const assistant = createScriptedAssistant({
  start: { reply: { text: 'Tere! Millega saan aidata?', blocks: [] }, node: 'greeting' },
  'tahan abielluda': {
    intent: 'marriage',
    lifeEvent: 'marriage',
    node: 'start',
    reply: {
      text: 'Abiellumine. Kas olete mõlemad elanud Eestis vähemalt 6 kuud?',
      blocks: [
        {
          type: 'options',
          options: [
            { id: 'yes', label: 'Jah' },
            { id: 'no', label: 'Ei' },
          ],
        },
      ],
    },
  },
  'choose:yes': {
    lifeEvent: 'marriage',
    node: 'checklist',
    answered: 'marriage/start:yes',
    reply: {
      text: 'Teie kontrollnimekiri',
      blocks: [
        {
          type: 'checklist',
          title: 'Tehke nii',
          items: [{ serviceId: 'marriage-application', text: 'Esitage avaldus' }],
        },
      ],
    },
  },
});

const driver = () =>
  createInProcessDriver({ assistant: assistant, logger: createLogger('silent') });

const script = (steps: string) =>
  parseScript(`name: test\nlang: et\nsteps:\n${steps}`, 'test.yaml');

describe('runScript', () => {
  it('passes a script whose every expectation holds', async () => {
    const s = script(`  - user: tahan abielluda
    expect: { intent: marriage, lifeEvent: marriage, says: [6 kuud], options: [Jah, Ei] }
  - choose: jah
    expect: { services: [marriage-application], notSays: [error] }
`);
    const result = await runScript(s, driver());
    expect(result.failure).toBeUndefined();
    expect(result.passed).toBe(true);
  });

  it.each([
    ['intent', '{ intent: divorce }', 'expected intent divorce, got marriage'],
    ['life event', '{ lifeEvent: retirement }', 'expected life event retirement, got marriage'],
    ['says', '{ says: [pension] }', 'expected the reply to say "pension"'],
    ['notSays', '{ notSays: [abiellumine] }', 'expected the reply not to say "abiellumine"'],
    ['options', '{ options: [Võib-olla] }', 'expected an option "Võib-olla"'],
    ['services', '{ services: [funeral-grant] }', 'expected service funeral-grant to be shown'],
  ])(
    'fails on a wrong %s and shows what the assistant sent',
    async (_kind, expectation, problem) => {
      const s = script(`  - user: tahan abielluda\n    expect: ${expectation}\n`);
      const result = await runScript(s, driver());
      expect(result.passed).toBe(false);
      expect(result.failure?.problems).toContain(problem);
      const report = formatFailure(result);
      expect(report).toContain('test.yaml:4');
      expect(report).toContain('Abiellumine. Kas olete');
      expect(report).toContain('"Jah"');
    },
  );

  it('fails a choose step when no offered option matches', async () => {
    const s = script('  - user: tahan abielluda\n  - choose: võib-olla\n');
    const result = await runScript(s, driver());
    expect(result.failure?.problems).toEqual(['no offered option matches "võib-olla"']);
    expect(result.failure?.step).toBe(2);
  });

  it('reports the nodes, options and services no script reached', async () => {
    const s = script('  - user: tahan abielluda\n  - choose: Jah\n');
    const result = await runScript(s, driver());
    const report = coverage(
      {
        nodes: ['greeting', 'marriage/start', 'marriage/checklist', 'marriage/abroad'],
        options: ['marriage/start:yes', 'marriage/start:no'],
        services: ['marriage-application', 'name-change'],
      },
      [result],
    );
    expect(report.missed).toEqual({
      nodes: ['marriage/abroad'],
      options: ['marriage/start:no'],
      services: ['name-change'],
    });
    expect(report.percent).toBe(62.5);
  });
});

describe('parseScript', () => {
  it('refuses an unknown key and names its line', () => {
    const text = 'name: x\nlang: et\nsteps:\n  - user: tere\n    expect:\n      sayz: [tere]\n';
    try {
      parseScript(text, 'bad.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ScriptError);
      expect((err as ScriptError).message).toMatch(/^bad\.yaml:6: steps\.0\.expect: .*sayz/);
    }
  });

  it('refuses a step that is neither user nor choose', () => {
    expect(() => parseScript('name: x\nlang: et\nsteps:\n  - say: tere\n', 'bad.yaml')).toThrow(
      /bad\.yaml:4/,
    );
  });

  it('refuses an unknown language and broken YAML with a line', () => {
    expect(() => parseScript('name: x\nlang: de\nsteps:\n  - user: a\n', 'l.yaml')).toThrow(
      /l\.yaml:2: lang/,
    );
    expect(() => parseScript('name: x\nlang: et\nsteps:\n  - user: [a\n', 'y.yaml')).toThrow(
      /y\.yaml:\d+:/,
    );
  });
});
