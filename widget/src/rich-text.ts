/**
 * Plain text with https links made clickable. Nothing here is ever parsed as HTML: the text
 * goes into Lit text bindings (escaped), and only a substring that parses as an https: URL
 * becomes the href of a link. javascript:, data:, http: and the like stay inert text.
 */
import { html, type TemplateResult } from 'lit';

const URL_PATTERN = /https:\/\/[^\s<>"'`]+/g;
// Punctuation that ends a sentence is not part of the link.
const TRAILING = /[.,;:!?)\]}]+$/;

/** The URL when it is a well-formed https: link, else undefined. */
export function safeHref(candidate: string | undefined): string | undefined {
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function richText(text: string, newTab: string): (string | TemplateResult)[] {
  const parts: (string | TemplateResult)[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '');
    const start = match.index;
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(link(href, raw, newTab));
    last = start + raw.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export function link(href: string, label: unknown, newTab: string): TemplateResult {
  return html`<a href=${href} target="_blank" rel="noopener noreferrer" part="link"
    >${label}<span class="sr-only"> ${newTab}</span></a
  >`;
}
