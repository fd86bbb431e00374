/**
 * Scripted conversations (the format is a contract: shared/DESIGN.md). A script is parsed
 * strictly: an unknown key is an error that names the file and line, not ignored.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { z } from 'zod';
import { LANGS } from '../protocol/frames.js';

const Strings = z.array(z.string().min(1)).min(1);

export const Expect = z
  .object({
    intent: z.string().min(1).optional(),
    lifeEvent: z.string().min(1).optional(),
    says: Strings.optional(),
    notSays: Strings.optional(),
    options: Strings.optional(),
    services: Strings.optional(),
    /**
     * Not in the base contract: case-insensitive substrings of the cards' deadlines (the
     * checklist items' and service cards' `deadline`), which the text assertions do not see.
     */
    deadlines: Strings.optional(),
    notDeadlines: Strings.optional(),
  })
  .strict();
export type Expect = z.infer<typeof Expect>;

export const Step = z.union([
  z.object({ user: z.string().min(1), expect: Expect.optional() }).strict(),
  z.object({ choose: z.string().min(1), expect: Expect.optional() }).strict(),
]);
export type Step = z.infer<typeof Step>;

export const Script = z
  .object({
    name: z.string().min(1),
    lang: z.enum(LANGS),
    identity: z.string().min(1).optional(),
    /** Not in the base contract: runs the script with the status panel unreachable. */
    statusPanel: z.enum(['up', 'down']).optional(),
    steps: z.array(Step).min(1),
  })
  .strict();
export type Script = z.infer<typeof Script>;

export interface LoadedScript extends Script {
  file: string;
  /** 1-based line of each step in the file. */
  stepLines: number[];
}

export class ScriptError extends Error {
  override name = 'ScriptError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Parses a script's text; every problem is reported as `file:line: path: message`. */
export function parseScript(text: string, file: string): LoadedScript {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  if (doc.errors.length > 0) {
    throw new ScriptError(
      doc.errors.map(
        (e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`,
      ),
    );
  }
  const result = Script.safeParse(doc.toJS());
  if (!result.success) {
    throw new ScriptError(
      result.error.issues.map((issue) => {
        // Point at the offending key where zod names one (unrecognized keys), else at the value.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const path = [...issue.path, ...keys.slice(0, 1)];
        let node: unknown = doc.getIn(path as (string | number)[], true);
        if (keys.length > 0 && isMap(doc.getIn(issue.path as (string | number)[], true))) {
          const map = doc.getIn(issue.path as (string | number)[], true);
          const pair = isMap(map)
            ? map.items.find((p) => (p.key as { value?: unknown })?.value === keys[0])
            : undefined;
          node = pair?.key;
        }
        for (let n = issue.path.length; !node && n >= 0; n--)
          node = doc.getIn(issue.path.slice(0, n) as (string | number)[], true);
        const where = issue.path.length ? issue.path.join('.') : '(script)';
        return `${file}:${lineOf(node as Node)}: ${where}: ${issue.message}`;
      }),
    );
  }
  const stepsNode = doc.get('steps', true);
  const stepLines = isSeq(stepsNode) ? stepsNode.items.map((n) => lineOf(n as Node)) : [];
  return { ...result.data, file, stepLines };
}

export function loadScript(file: string): LoadedScript {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScriptError([
      `${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`,
    ]);
  }
  return parseScript(text, file);
}
