/**
 * The app server of scripts/bench-server.ts (`--mode app`) with the dialog step replaced by a
 * stub: every event gets the same reply (a 150-character text with four quick replies) and an
 * NLU reading, no effects. Under scripts/profile-server.ts its CPU per turn is the server's own
 * work around the step (ws frames, session store, pipeline, consumers, transcripts, metrics),
 * which the real step's cost and noise would hide. Same IPC as bench-server.ts (cpu, stop).
 *
 *   npx tsx scripts/profile-server.ts --server scripts/bench-server-stub.ts \
 *     --server OTHER-TREE/scripts/bench-server-stub.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { Assistant } from '../src/core/assistant.js';
import type { Lang } from '../src/protocol/frames.js';

const reply = {
  text: 'Selge. Abiellumiseks tuleb esitada avaldus rahvastikuregistri kaudu või perekonnaseisuametnikule; avaldus kehtib kuus kuud. Mida soovid teada?',
  blocks: [
    {
      type: 'options' as const,
      options: [
        { id: 'event:marriage', label: 'Abiellumine' },
        { id: 'event:birth', label: 'Lapse sünd' },
        { id: 'event:retirement', label: 'Pensionile jäämine' },
        { id: 'human', label: 'Räägi inimesega' },
      ],
    },
  ],
};
interface StubState {
  v: 1;
  lang: Lang;
  n: number;
}
const isState = (s: unknown): s is StubState =>
  typeof s === 'object' && s !== null && (s as { v?: unknown }).v === 1;
const assistant: Assistant<StubState> = {
  initial: (lang) => ({ v: 1, lang, n: 0 }),
  restore: (s) => (isState(s) ? s : undefined),
  step(state, event) {
    const lang = event.type === 'set-lang' ? event.lang : state.lang;
    return {
      state: { v: 1, lang, n: state.n + 1 },
      lang,
      replies: [reply],
      effects: [],
      info: {
        nlu: {
          text: '',
          intent: 'marriage',
          confidence: 0.9,
          lang,
          alternatives: [],
          ambiguous: false,
        },
        lifeEvent: 'marriage',
        node: 'marriage.start',
      },
    };
  },
};

const config = loadConfig({
  DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-stub-')),
  ...process.env,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'error',
  OFFICE_HOURS: 'always',
  WS_RATE_LIMIT: '10000',
});
const app = createApp(config, createLogger(config.LOG_LEVEL), { assistant });
const { port } = await app.listen();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') process.send?.({ type: 'cpu', ...process.cpuUsage() });
  if (m.type === 'stop') void app.close().then(() => process.exit(0));
});
