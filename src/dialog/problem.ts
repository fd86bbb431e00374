/** One thing wrong in the dialog data: which file, where in it, and what was expected. */
export interface Problem {
  /** Relative to the project root, e.g. `dialogs/marriage.yaml`. */
  file: string;
  /** Dot path inside the file, e.g. `nodes.ask-name.options.0.goto`; empty for the whole file. */
  path: string;
  message: string;
  /** A warning (e.g. a fact not confirmed for over a year) is reported but does not fail. */
  severity?: 'warning';
}

export const isError = (p: Problem): boolean => p.severity !== 'warning';

export function formatProblem(p: Problem): string {
  return `${p.severity === 'warning' ? 'warning: ' : ''}${p.file}: ${p.path || '(file)'}: ${p.message}`;
}

/** Thrown when the dialog data cannot be used; carries every problem, not just the first. */
export class DialogDataError extends Error {
  override name = 'DialogDataError';
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      `dialog data has ${problems.length} problem(s):\n` +
        problems.map((p) => '  ' + formatProblem(p)).join('\n'),
    );
    this.problems = problems;
  }
}
