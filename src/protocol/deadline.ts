/**
 * How a deadline text reads, shared by the server's plain-text plan, the public plan page,
 * the text channels and the widget. The catalog writes a deadline either as a fragment that
 * completes a label ("30 päeva jooksul pärast kolimist", «в течение 30 дней после переезда»,
 * "within 30 days of moving": lower-case or a digit first, no full stop) or as a whole
 * sentence ("Abielu sõlmitakse kõige varem…"), which must not get the label: "Tähtaeg:
 * Tähtaja määrab…" and «Срок: Срок…» repeat themselves, and after a colon Estonian and
 * Russian go on in lower case. `dialogs check` holds the catalog to these two forms.
 */

/** True when the deadline is a sentence of its own: it starts with a capital (`dialogs check` also wants its full stop). */
export function isDeadlineSentence(text: string): boolean {
  const first = text.trimStart().charAt(0);
  return first !== '' && first !== first.toLowerCase();
}

/** The deadline as it is shown: a sentence as it is, a fragment after its label. */
export function deadlineText(text: string, label: (fragment: string) => string): string {
  return isDeadlineSentence(text) ? text : label(text);
}

/** What is wrong with a deadline's form, or undefined when it is one of the two forms. */
export function deadlineFormProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 'a deadline text (it is empty)';
  if (isDeadlineSentence(trimmed)) {
    return /[.!?]$/.test(trimmed)
      ? undefined
      : 'a sentence ending with a full stop (a deadline that starts with a capital is shown on its own)';
  }
  return /[.!?]$/.test(trimmed)
    ? 'a fragment without a full stop (a deadline in lower case completes the label "Deadline: …")'
    : undefined;
}
