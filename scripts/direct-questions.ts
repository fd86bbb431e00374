/**
 * How many realistic direct questions get their fact in the first reply (issue 11). Reads
 * test/direct-questions/<lang>.yaml (not training data), asks each question as the first
 * message of a new conversation and compares the fact answered (TurnInfo.direct) with the one
 * expected (`service: out-of-scope`: no life event's question, so no direct answer and the
 * classifier's out-of-scope). Prints the counts per language and every question that missed.
 *
 *   npm run direct-questions            # all languages
 *   npm run direct-questions -- --json  # machine-readable
 *   npm run direct-questions -- --set fresh   # test/direct-questions/fresh/<lang>.yaml
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { createAssistantKit } from '../src/assistant-kit.js';
import { LANGS } from '../src/protocol/frames.js';
import { ROOT_DIR } from '../src/paths.js';

const File = z.strictObject({
  lang: z.enum(LANGS),
  questions: z
    .array(z.strictObject({ q: z.string().min(3), service: z.string(), fact: z.string() }))
    .min(1),
});

export interface DirectResult {
  lang: string;
  total: number;
  /** The expected fact, in the first reply. */
  fact: number;
  /** Another fact of the expected service. */
  otherFact: number;
  /** The right service, without a fact (link and plan offer). */
  serviceOnly: number;
  misses: { q: string; expected: string; got: string }[];
}

export function runDirectQuestions(
  rootDir = ROOT_DIR,
  set = '',
  kit: Pick<ReturnType<typeof createAssistantKit>, 'assistant'> = createAssistantKit(rootDir),
): DirectResult[] {
  const ctx = { signedIn: false, now: Date.now() };
  return LANGS.map((lang) => {
    const file = File.parse(
      parse(readFileSync(join(rootDir, 'test/direct-questions', set, `${lang}.yaml`), 'utf8')),
    );
    const result: DirectResult = {
      lang,
      total: 0,
      fact: 0,
      otherFact: 0,
      serviceOnly: 0,
      misses: [],
    };
    for (const { q, service, fact } of file.questions) {
      result.total += 1;
      const state = kit.assistant.initial(lang);
      const turn = kit.assistant.step(state, { type: 'text', text: q }, ctx);
      const got = turn.info.direct ?? `(no direct answer: ${turn.info.nlu?.intent ?? '-'})`;
      const [gotService, gotFact] = got.split(':');
      // `service: out-of-scope`: the question is no life event's (no direct answer expected).
      const expected =
        service === 'out-of-scope' ? '(no direct answer: out-of-scope)' : `${service}:${fact}`;
      if (got === expected) result.fact += 1;
      else {
        if (gotService === service && gotFact !== '-') result.otherFact += 1;
        else if (gotService === service) result.serviceOnly += 1;
        result.misses.push({ q, expected, got });
      }
    }
    return result;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, set: { type: 'string', default: '' } },
  });
  const results = runDirectQuestions(ROOT_DIR, values.set);
  if (values.json) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    for (const r of results) {
      console.log(
        `${r.lang}: ${r.fact}/${r.total} got the expected fact in the first reply` +
          ` (${r.otherFact} another fact of the right service, ${r.serviceOnly} the right service without a fact)`,
      );
      for (const m of r.misses) console.log(`  ✗ ${m.q}  expected ${m.expected}, got ${m.got}`);
    }
  }
}
