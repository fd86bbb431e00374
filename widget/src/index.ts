/**
 * The entry of widget.js. One script tag is the whole embed:
 *   <script src="https://…/widget.js" data-server="https://…" data-lang="et" defer></script>
 * adds one <life-event-chat> to the page (unless the page placed one itself) and exposes it
 * as window.lifeEventChat for the JS API (open, close, setLanguage, setIdentityToken).
 */
import { LANGS } from '../../src/protocol/constants.js';
import type { Lang } from '../../src/protocol/frames.js';
import './chat-widget.js';
import type { LifeEventChat } from './chat-widget.js';

declare global {
  interface Window {
    lifeEventChat?: LifeEventChat;
  }
}

function embed(script: HTMLScriptElement): void {
  let el = document.querySelector('life-event-chat');
  if (!el) {
    el = document.createElement('life-event-chat');
    el.server = script.dataset.server ?? new URL(script.src).origin;
    const lang = script.dataset.lang;
    if ((LANGS as readonly string[]).includes(lang ?? '')) el.lang = lang as Lang;
    if (script.dataset.privacyUrl) el.privacyUrl = script.dataset.privacyUrl;
    const days = Number(script.dataset.retentionDays);
    if (Number.isInteger(days) && days > 0) el.retentionDays = days;
    document.body.append(el);
  }
  window.lifeEventChat = el;
  el.dispatchEvent(new CustomEvent('life-event-chat:ready', { bubbles: true, composed: true }));
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  if (document.body) embed(script);
  else document.addEventListener('DOMContentLoaded', () => embed(script), { once: true });
}
