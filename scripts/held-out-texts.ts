/**
 * The messages the load benchmark and the turn profile send: every held-out NLU message
 * (intents/test/*.jsonl, all three languages, files in name order), without those asking for a
 * person unless `askForPerson`: asking for one hands the conversation over (the bench's client
 * then leaves the queue with its next turn, scripts/bench-client.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEXT_DIR = fileURLToPath(new URL('../intents/test/', import.meta.url));

export function heldOutTexts(askForPerson = false): string[] {
  return readdirSync(TEXT_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(TEXT_DIR, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { text: string; intent: string })
        .filter((m) => askForPerson || m.intent !== 'human-handover')
        .map((m) => m.text),
    );
}
