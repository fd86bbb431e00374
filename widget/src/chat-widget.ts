/**
 * <life-event-chat>: the embeddable chat widget. Minimal first version: connect, greet,
 * send and show text. Every server frame is validated with the shared protocol schemas;
 * text is rendered as text (Lit escapes it), never as HTML.
 */
import { LitElement, css, html } from 'lit';
import {
  PROTOCOL_VERSION,
  ServerFrame,
  type ClientFrame,
  type HistoryFrame,
  type Lang,
} from '../../src/protocol/frames.js';

const STORAGE_KEY = 'life-event-chat:session';

export class LifeEventChat extends LitElement {
  static override properties = {
    server: { type: String },
    lang: { type: String },
    open: { type: Boolean, reflect: true },
    frames: { state: true },
    connected: { state: true },
  };

  server = '';
  override lang: Lang = 'et';
  open = false;
  frames: HistoryFrame[] = [];
  connected = false;
  private socket: WebSocket | undefined;

  static override styles = css`
    :host {
      position: fixed;
      right: 1rem;
      bottom: 1rem;
      font:
        16px/1.4 system-ui,
        sans-serif;
      color: #1a1a1a;
    }
    .panel {
      width: min(24rem, calc(100vw - 2rem));
      height: min(36rem, calc(100vh - 6rem));
      display: flex;
      flex-direction: column;
      background: #fff;
      border: 1px solid #767676;
      border-radius: 8px;
    }
    ol {
      flex: 1;
      overflow-y: auto;
      list-style: none;
      margin: 0;
      padding: 0.5rem;
    }
    li.user {
      text-align: right;
    }
    form {
      display: flex;
      gap: 0.5rem;
      padding: 0.5rem;
    }
    input {
      flex: 1;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket?.close();
  }

  private connect(): void {
    const base = this.server || location.origin;
    const url = new URL('/ws', base.replace(/^http/, 'ws'));
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      const sessionId = sessionStorage.getItem(STORAGE_KEY) ?? undefined;
      const lastSeq = this.frames.at(-1)?.seq ?? 0;
      this.send({
        type: 'hello',
        v: PROTOCOL_VERSION,
        lang: this.lang,
        ...(sessionId && { sessionId, lastSeq }),
      });
    });
    socket.addEventListener('message', (event) => this.receive(String(event.data)));
    socket.addEventListener('close', () => {
      this.connected = false;
    });
  }

  private receive(data: string): void {
    const parsed = ServerFrame.safeParse(JSON.parse(data));
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'welcome') {
      this.connected = true;
      sessionStorage.setItem(STORAGE_KEY, frame.sessionId);
    } else if (frame.type === 'reply' || frame.type === 'user') {
      this.frames = [...this.frames, frame];
    }
  }

  private send(frame: ClientFrame): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const input = form.elements.namedItem('text') as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    this.send({ type: 'message', id: crypto.randomUUID(), text });
    input.value = '';
  };

  override render() {
    if (!this.open) {
      return html`<button part="launcher" @click=${() => (this.open = true)}>Chat</button>`;
    }
    return html`<section class="panel" part="panel" aria-label="Chat">
      <ol aria-live="polite">
        ${this.frames.map((f) => html`<li class=${f.type}>${f.text}</li>`)}
      </ol>
      <form @submit=${this.submit}>
        <input name="text" aria-label="Message" autocomplete="off" />
        <button type="submit" ?disabled=${!this.connected}>Send</button>
      </form>
    </section>`;
  }
}

customElements.define('life-event-chat', LifeEventChat);

declare global {
  interface HTMLElementTagNameMap {
    'life-event-chat': LifeEventChat;
  }
}

// One script tag is the whole embed: <script src=".../widget.js" data-server="..." data-lang="et">.
const script = document.currentScript as HTMLScriptElement | null;
if (script && !document.querySelector('life-event-chat')) {
  const el = document.createElement('life-event-chat');
  el.server = script.dataset.server ?? new URL(script.src).origin;
  el.lang = (script.dataset.lang as Lang | undefined) ?? 'et';
  document.body.append(el);
}
