/**
 * <life-event-chat>: the embeddable chat widget. The socket, resume and outbox live in
 * ChatConnection (connection.ts); this element renders its state and moves focus. Every
 * server frame is validated with the shared protocol schemas there; here text is bound as
 * text (Lit escapes it), never as HTML.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { LANGS } from '../../src/protocol/constants.js';
import type { Block, HistoryFrame, Lang, ReplyFrame } from '../../src/protocol/frames.js';
import { renderBlock, type BlockContext } from './blocks.js';
import { ChatConnection, type ConnectionStatus, type OutboxItem } from './connection.js';
import { LANG_NAMES, translate, type TextKey } from './i18n.js';
import { link, richText } from './rich-text.js';
import { leadText } from '../../src/protocol/lead-text.js';
import { styles } from './styles.js';

const OPEN_KEY = 'life-event-chat:open';

/**
 * The origin widget.js was loaded from: the chat server. A page that places the element itself
 * without `server` still talks to it (and links to its plan pages), not to its own origin.
 */
const SCRIPT_ORIGIN = (() => {
  const script = document.currentScript;
  return script instanceof HTMLScriptElement && script.src ? new URL(script.src).origin : '';
})();

const isLang = (v: unknown): v is Lang => (LANGS as readonly unknown[]).includes(v);

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // Blocked (third-party storage settings): works without resume.
  }
}

export class LifeEventChat extends LitElement {
  static override properties = {
    server: { type: String },
    lang: { type: String, reflect: true },
    opened: { type: Boolean, reflect: true, attribute: 'open' },
    announcement: { state: true },
    privacyUrl: { type: String, attribute: 'privacy-url' },
    retentionDays: { type: Number, attribute: 'retention-days' },
  };
  static override styles = styles;

  /** Origin of the chat server; empty means the page's own origin. */
  server = '';
  override lang: Lang = 'et';
  opened = false;
  announcement = '';
  /** The privacy page linked from the notice; default /privacy on the chat server. */
  privacyUrl = '';
  /** How long transcripts are kept (the server's RETENTION_DAYS), said in the notice. */
  retentionDays = 180;

  private conn: ChatConnection | undefined;
  private token: string | undefined;
  private lastStatus: ConnectionStatus = 'idle';
  private shownCount = -1;
  /** A plan that arrived live: the log scrolls to its start once it is rendered. */
  private planToShow: number | undefined;
  /** Scrolled to a plan: later replies of the same turn do not scroll past it. */
  private holdAtPlan = false;
  /** The plan page's address (GET /api/v1/conversations/{id}/plan), once per conversation. */
  private planHref: string | undefined;
  private planAskedFor: string | undefined;
  /** What "copy as text" said, per plan. */
  private copied = new Map<number, string>();
  private readonly onOnline = () => this.conn?.online();
  private readonly onOffline = () => this.conn?.offline();
  /** The fast heartbeat only while the person can see the chat (open, page visible). */
  private readonly syncActive = () =>
    this.conn?.setActive(this.opened && document.visibilityState === 'visible');

  /** The chat server: `server`, else where widget.js came from, else this page's origin. */
  private get base(): string {
    return this.server || SCRIPT_ORIGIN || location.origin;
  }

  // --- public API (docs/widget.md) -------------------------------------------------------

  /** Opens the chat panel and moves focus to the message field. */
  async open(): Promise<void> {
    this.opened = true;
    this.conn?.connect();
    await this.updateComplete;
    this.shadowRoot?.querySelector<HTMLTextAreaElement>('#lec-input')?.focus();
  }

  /** Closes the panel; focus returns to the launcher. */
  async close(): Promise<void> {
    const hadFocus = this.matches(':focus-within');
    this.opened = false;
    await this.updateComplete;
    if (hadFocus) this.shadowRoot?.querySelector<HTMLElement>('.launcher')?.focus();
  }

  /** Switches the UI and the conversation to et, en or ru. */
  setLanguage(lang: Lang): void {
    if (!isLang(lang))
      throw new TypeError(`Unsupported language ${String(lang)}; use et, en or ru.`);
    this.lang = lang;
    this.conn?.setLang(lang);
  }

  /**
   * Identity token from the host page's sign-in; reconnects so the server verifies it.
   * null signs out: the conversation is forgotten in this browser and a new one starts.
   */
  setIdentityToken(token: string | null): void {
    this.token = token ?? undefined;
    this.conn?.setToken(this.token);
  }

  // --- lifecycle -------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    const store = storage();
    const base = this.base;
    const url = new URL('/ws', base.replace(/^http/, 'ws')).href;
    this.conn = new ChatConnection({
      url,
      lang: this.lang,
      ...(this.token !== undefined && { token: this.token }),
      ...(store && { storage: store }),
      onChange: () => this.changed(),
      onFrame: (frame, live) => {
        if (!live) return;
        this.announce(frame);
        if (frame.type === 'reply' && frame.blocks.some((b) => b.type === 'checklist'))
          this.planToShow = frame.seq;
      },
    });
    if (store?.getItem(OPEN_KEY) === '1') this.opened = true;
    // Resume at once when there is a conversation; otherwise connect on first open.
    if (this.opened || this.conn.sessionId !== undefined || this.conn.outbox.length > 0)
      this.conn.connect();
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.syncActive);
    this.syncActive();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.syncActive);
    this.conn?.disconnect();
    this.conn = undefined;
  }

  /** Asks the server for the plan page's address once a plan is shown (same origin, or CORS). */
  private askPlanAddress(): void {
    const conn = this.conn;
    const id = conn?.sessionId;
    if (!conn || !id || this.planAskedFor === id) return;
    if (
      !conn.frames.some((f) => f.type === 'reply' && f.blocks.some((b) => b.type === 'checklist'))
    )
      return;
    this.planAskedFor = id;
    this.planHref = undefined;
    const base = this.base;
    fetch(new URL(`/api/v1/conversations/${encodeURIComponent(id)}/plan`, base))
      .then((res) => (res.ok ? (res.json() as Promise<{ url?: unknown }>) : undefined))
      .then((body) => {
        if (typeof body?.url !== 'string' || this.conn?.sessionId !== id) return;
        // Only a page of the chat server itself.
        const url = new URL(body.url, base);
        if (url.origin !== new URL(base).origin) return;
        this.planHref = url.href;
        this.requestUpdate();
      })
      .catch(() => undefined); // No link then: print and copy still keep the plan.
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.askPlanAddress();
    if (changed.has('opened')) {
      this.syncActive();
      try {
        storage()?.setItem(OPEN_KEY, this.opened ? '1' : '0');
      } catch {
        // Storage unavailable: the panel just starts closed after a reload.
      }
    }
    const log = this.shadowRoot?.querySelector('.log');
    const count = (this.conn?.frames.length ?? 0) + (this.conn?.outbox.length ?? 0);
    const plan =
      this.planToShow === undefined
        ? null
        : this.shadowRoot?.querySelector(`[data-plan="${this.planToShow}"]`);
    if (log && plan) {
      // After the last answer the plan is read from its start, not from the form below it.
      this.planToShow = undefined;
      this.holdAtPlan = true;
      log.scrollTop += plan.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
      this.shownCount = count;
    } else if (this.holdAtPlan && !changed.has('opened')) {
      this.shownCount = count;
    } else if (log && (count !== this.shownCount || changed.has('opened'))) {
      log.scrollTop = log.scrollHeight;
      this.shownCount = count;
    }
  }

  private changed(): void {
    const conn = this.conn;
    if (!conn) return;
    if (conn.lang !== this.lang) this.lang = conn.lang;
    if (conn.status !== this.lastStatus) {
      // The connection bar appears or goes: keep the newest (pending) message in view.
      this.shownCount = -1;
      if (conn.status === 'offline' && this.lastStatus === 'online')
        this.announcement = this.t('conn.offline', { seconds: Math.ceil(conn.retryInMs / 1000) });
      else if (conn.status === 'online' && this.lastStatus !== 'connecting')
        this.announcement = this.t('conn.online');
      this.lastStatus = conn.status;
    }
    this.requestUpdate();
  }

  private announce(frame: HistoryFrame): void {
    if (frame.type !== 'reply') return;
    const parts = [`${this.t(frame.role)}: ${frame.text}`];
    for (const block of frame.blocks) {
      if (block.type === 'options')
        parts.push(`${this.t('suggestions')}: ${block.options.map((o) => o.label).join(', ')}`);
      // A handover notice is its text (one notice per event); a bare block says its state.
      if (block.type === 'handover' && !frame.text) parts.push(this.handoverText(block));
    }
    this.announcement = parts.join(' ');
  }

  private handoverText(block: Extract<Block, { type: 'handover' }>): string {
    return block.state === 'queued'
      ? block.position === undefined
        ? this.t('handover.queuedNoPosition')
        : this.t('handover.queued', { position: block.position })
      : this.t(`handover.${block.state}`);
  }

  private t(key: TextKey, vars?: Record<string, string | number>): string {
    return translate(this.lang, key, vars);
  }

  // --- events ----------------------------------------------------------------------------

  private submit = (e: Event): void => {
    e.preventDefault();
    const field = this.shadowRoot?.querySelector<HTMLTextAreaElement>('#lec-input');
    if (!field || !this.conn) return;
    this.holdAtPlan = false;
    if (this.conn.send(field.value)) field.value = '';
    field.focus();
  };

  private keydown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.submit(e);
  };

  private panelKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      void this.close();
    }
  };

  private choose = (optionId: string, label: string): void => {
    this.holdAtPlan = false;
    this.conn?.choose(optionId, label);
    // The options disappear once chosen: keep focus where the next answer is typed.
    void this.updateComplete.then(() =>
      this.shadowRoot?.querySelector<HTMLTextAreaElement>('#lec-input')?.focus(),
    );
  };

  private feedback = (seq: number, rating: number, comment: string): void => {
    this.conn?.sendFeedback(seq, rating, comment);
    void this.updateComplete.then(() =>
      this.shadowRoot?.querySelector<HTMLElement>('.thanks')?.focus(),
    );
  };

  private signIn = (): void => {
    this.dispatchEvent(
      new CustomEvent('life-event-chat:sign-in', { bubbles: true, composed: true }),
    );
  };

  private sendText = (text: string): void => {
    this.conn?.send(text);
  };

  private rate = (seq: number, reason: 'not-helpful' | 'wrong-topic'): void => {
    this.conn?.rateAnswer(seq, reason);
    void this.updateComplete.then(() =>
      this.shadowRoot?.querySelector<HTMLElement>(`[data-seq="${seq}"] .rated`)?.focus(),
    );
  };

  private planUrl = (id: string): string =>
    new URL(`/plan/${encodeURIComponent(id)}`, this.base).href;

  /** Prints one plan: only it, with every detail open (the print styles do the rest). */
  private print = (seq: number): void => {
    const root = this.shadowRoot?.querySelector('.root');
    const plan = this.shadowRoot?.querySelector(`[data-plan="${seq}"]`);
    if (!root || !plan) return;
    const closed = [...plan.querySelectorAll('details:not([open])')];
    for (const d of closed) d.setAttribute('open', '');
    plan.closest('li')?.classList.add('print-target');
    root.classList.add('printing');
    // Only the widget is printed, not the host page around it.
    const page = new CSSStyleSheet();
    page.replaceSync('@media print{body>:not(life-event-chat){display:none!important}}');
    const before = document.adoptedStyleSheets;
    document.adoptedStyleSheets = [...before, page];
    const done = () => {
      for (const d of closed) d.removeAttribute('open');
      plan.closest('li')?.classList.remove('print-target');
      root.classList.remove('printing');
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== page);
    };
    window.addEventListener('afterprint', done, { once: true });
    window.print();
  };

  private copy = (seq: number, text: string): void => {
    const say = (key: TextKey) => {
      this.copied.set(seq, this.t(key));
      this.requestUpdate();
    };
    navigator.clipboard.writeText(text).then(
      () => say('plan.copied'),
      () => say('plan.copyFailed'),
    );
  };

  // --- rendering -------------------------------------------------------------------------

  override render(): TemplateResult {
    return html`<div class="root" lang=${this.lang}>
      ${this.opened ? this.renderPanel() : this.renderLauncher()}
      <div class="sr-only" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    </div>`;
  }

  private renderLauncher(): TemplateResult {
    return html`<button
      class="launcher"
      part="launcher"
      type="button"
      aria-haspopup="dialog"
      @click=${() => void this.open()}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z"
        />
      </svg>
      <span>${this.t('launcher')}</span>
    </button>`;
  }

  private renderPanel(): TemplateResult {
    const conn = this.conn;
    const status = conn?.status ?? 'idle';
    return html`<section
      class="panel"
      part="panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="lec-title"
      @keydown=${this.panelKeydown}
    >
      <div class="head" part="header">
        <div class="heading">
          <h2 id="lec-title" part="title">${this.t('title')}</h2>
          <p class="conn" part="connection" data-status=${status}>
            ${conn?.identityName ? `${this.t('signedInAs', { name: conn.identityName })} · ` : ''}
            ${
              status === 'offline'
                ? this.t('conn.offline', { seconds: Math.ceil((conn?.retryInMs ?? 0) / 1000) })
                : this.t(`conn.${status}`)
            }
          </p>
        </div>
        <label class="sr-only" for="lec-lang">${this.t('language')}</label>
        <select
          id="lec-lang"
          part="language"
          @change=${(e: Event) => this.setLanguage((e.target as HTMLSelectElement).value as Lang)}
        >
          ${LANGS.map(
            (l) =>
              html`<option value=${l} lang=${l} ?selected=${l === this.lang}>
                ${LANG_NAMES[l]}
              </option>`,
          )}
        </select>
        <button
          type="button"
          part="close"
          aria-label=${this.t('close')}
          @click=${() => void this.close()}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path
              stroke="currentColor"
              stroke-width="2.5"
              stroke-linecap="round"
              d="M6 6l12 12M18 6L6 18"
            />
          </svg>
        </button>
      </div>
      ${this.renderBars(status)}
      <ol class="log" part="messages" aria-label=${this.t('conversation')} tabindex="-1">
        <li class="privacy" part="privacy">
          ${this.t('privacy.notice', { days: this.retentionDays, count: this.retentionDays })}
          ${link(
            this.privacyUrl || new URL('/privacy', this.base).href,
            this.t('privacy.link'),
            this.t('newTab'),
          )}
        </li>
        ${conn?.frames.map((f, i) => this.renderFrame(f, i))}
        ${conn?.outbox.map((item) => this.renderPending(item))}
        ${
          conn?.typing
            ? html`<li class="typing" part="typing">
                <span class="sr-only">${this.t('typing')}</span><span aria-hidden="true"></span
                ><span aria-hidden="true"></span><span aria-hidden="true"></span>
              </li>`
            : nothing
        }
      </ol>
      <form class="composer" part="composer" @submit=${this.submit}>
        <label class="sr-only" for="lec-input">${this.t('input')}</label>
        <textarea
          id="lec-input"
          part="input"
          rows="1"
          maxlength="2000"
          autocomplete="off"
          placeholder=${this.t('placeholder')}
          @keydown=${this.keydown}
        ></textarea>
        <button type="submit" part="send">${this.t('send')}</button>
      </form>
    </section>`;
  }

  private renderBars(status: ConnectionStatus) {
    const notice = this.conn?.notice;
    const noticeKey: TextKey | undefined = !notice
      ? undefined
      : notice.code === 'EXPIRED'
        ? 'error.expired'
        : notice.code === 'RATE_LIMITED'
          ? 'error.rateLimited'
          : notice.code.startsWith('AUTH_')
            ? 'error.auth'
            : 'error.generic';
    return html`${
      status === 'offline' || status === 'paused'
        ? html`<div class="bar" part="offline-bar">
            <span>${status === 'paused' ? this.t('conn.paused') : this.t('conn.idle')}</span>
            <button type="button" @click=${() => this.conn?.retryNow()}>
              ${this.t('conn.retry')}
            </button>
          </div>`
        : nothing
    }
    ${
      noticeKey
        ? html`<div class="bar" part="notice" role="alert">
            <span>${this.t(noticeKey)}</span>
            <button type="button" @click=${() => this.conn?.dismissNotice()}>
              ${this.t('error.dismiss')}
            </button>
          </div>`
        : nothing
    }`;
  }

  private renderFrame(frame: HistoryFrame, index: number): TemplateResult {
    if (frame.type === 'user') {
      return html`<li class="msg user" part="message message-user" data-seq=${frame.seq}>
        <span class="who">${this.t('you')}</span>
        <p class="bubble">${richText(frame.text, this.t('newTab'))}</p>
      </li>`;
    }
    return this.renderReply(frame, index);
  }

  private renderReply(frame: ReplyFrame, index: number): TemplateResult {
    const conn = this.conn;
    const frames = conn?.frames ?? [];
    const later = frames.slice(index + 1);
    const quiet = (conn?.outbox.length ?? 0) === 0 && !later.some((f) => f.type === 'user');
    const next = later[0];
    const ctx: BlockContext = {
      lang: this.lang,
      t: (k, v) => this.t(k, v),
      seq: frame.seq,
      latest: quiet && later.length === 0,
      // Quick replies stay while nothing was said since and no later reply offers others
      // (a language switch keeps the topic choices).
      offerOptions:
        quiet &&
        !later.some((f) => f.type === 'reply' && f.blocks.some((b) => b.type === 'options')),
      feedbackDone: conn?.feedbackDone.has(frame.seq) ?? false,
      choose: this.choose,
      feedback: this.feedback,
      send: this.sendText,
      signIn: this.signIn,
      planUrl: this.planUrl,
      planHref: this.planHref,
      print: this.print,
      copy: this.copy,
      copied: this.copied.get(frame.seq) ?? '',
    };
    // "Not helpful / wrong topic" once per answer: on the last reply of the assistant's turn.
    const rateable =
      frame.role === 'assistant' &&
      frame.replyTo !== undefined &&
      !frame.blocks.some((b) => b.type === 'feedback') &&
      !(next?.type === 'reply' && next.role === 'assistant');
    return html`<li
      class="msg ${frame.role}"
      part="message message-${frame.role}"
      data-seq=${frame.seq}
    >
      <span class="who">${this.t(frame.role)}</span>
      ${frame.text ? html`<p class="bubble">${richText(leadText(frame), this.t('newTab'))}</p>` : nothing}
      ${frame.blocks.map((b) => renderBlock(b, ctx))}
      ${rateable ? this.renderRating(frame.seq) : nothing}
    </li>`;
  }

  private renderRating(seq: number): TemplateResult {
    if (this.conn?.rated.has(seq))
      return html`<p class="rated meta" tabindex="-1">${this.t('answer.thanks')}</p>`;
    return html`<div
      class="rate"
      part="answer-feedback"
      role="group"
      aria-label=${this.t('answer.label')}
    >
      <button type="button" @click=${() => this.rate(seq, 'not-helpful')}>
        ${this.t('answer.notHelpful')}
      </button>
      <button type="button" @click=${() => this.rate(seq, 'wrong-topic')}>
        ${this.t('answer.wrongTopic')}
      </button>
    </div>`;
  }

  private renderPending(item: OutboxItem): TemplateResult {
    const state =
      item.state === 'failed'
        ? this.t('failed')
        : this.conn?.status === 'online'
          ? this.t('sending')
          : this.t('queued');
    return html`<li class="msg user pending ${item.state}" part="message message-pending">
      <span class="who">${this.t('you')} · ${state}</span>
      <p class="bubble">${item.text}</p>
    </li>`;
  }
}

if (!customElements.get('life-event-chat')) customElements.define('life-event-chat', LifeEventChat);

declare global {
  interface HTMLElementTagNameMap {
    'life-event-chat': LifeEventChat;
  }
}
