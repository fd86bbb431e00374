/**
 * The widget's styles, scoped by its shadow root. `.root` starts from `all: initial` so
 * nothing the host page sets on the element (fonts, colours, `all: unset`) is inherited;
 * sizes are in em of a base size the page can theme, so rem-tricks on the page do not reach
 * in. Theming: the --lec-* custom properties and the ::part names listed in docs/widget.md.
 */
import { css } from 'lit';

export const styles = css`
  .root {
    all: initial;
    --accent: var(--lec-accent, #0b5cad);
    --on-accent: var(--lec-on-accent, #ffffff);
    --bg: var(--lec-background, #ffffff);
    --fg: var(--lec-text, #1a1a1a);
    --muted: var(--lec-muted, #4a4f55);
    --bot-bg: var(--lec-bot-background, #eef1f4);
    --user-bg: var(--lec-user-background, var(--accent));
    --user-fg: var(--lec-user-text, var(--on-accent));
    --border: var(--lec-border, #6b7177);
    --focus: var(--lec-focus, #1a1a1a);
    --radius: var(--lec-radius, 0.75em);
    --offset: var(--lec-offset, 16px);
    display: block;
    font-family: var(--lec-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--lec-font-size, 16px);
    line-height: 1.45;
    color: var(--fg);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  button,
  select,
  textarea,
  input {
    font: inherit;
    color: inherit;
    margin: 0;
  }
  button,
  select {
    cursor: pointer;
    min-height: 2.75em;
    min-width: 2.75em;
    border-radius: 0.5em;
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
    box-shadow: 0 0 0 2px #ffffff;
  }
  a {
    color: var(--accent);
    text-decoration: underline;
    overflow-wrap: anywhere;
  }
  p {
    margin: 0;
  }

  .launcher {
    position: fixed;
    right: var(--offset);
    bottom: var(--offset);
    z-index: var(--lec-z-index, 2147483000);
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.6em 1.1em;
    border: 2px solid var(--on-accent);
    border-radius: 2em;
    background: var(--accent);
    color: var(--on-accent);
    font-weight: 600;
    box-shadow: 0 2px 10px rgb(0 0 0 / 25%);
  }
  .launcher svg {
    width: 1.4em;
    height: 1.4em;
    flex: none;
  }

  .panel {
    position: fixed;
    right: var(--offset);
    bottom: var(--offset);
    z-index: var(--lec-z-index, 2147483000);
    width: min(25em, calc(100vw - 2 * var(--offset)));
    height: min(40em, calc(100vh - 2 * var(--offset)));
    display: flex;
    flex-direction: column;
    background: var(--bg);
    color: var(--fg);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    box-shadow: 0 4px 24px rgb(0 0 0 / 25%);
    overflow: hidden;
  }
  /* Phones, narrow windows and 200% zoom: the panel takes the whole viewport. */
  @media (max-width: 30em), (max-height: 32em) {
    .panel {
      inset: 0;
      width: 100%;
      height: 100%;
      border-radius: 0;
      border: 0;
    }
  }

  .head {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.5em 0.5em 0.5em 1em;
    background: var(--accent);
    color: var(--on-accent);
  }
  .heading {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 1.05em;
    line-height: 1.25;
  }
  .conn {
    font-size: 0.85em;
  }
  .head select,
  .head button {
    background: var(--bg);
    color: var(--fg);
    border: 1px solid var(--border);
  }
  .head select {
    padding: 0 0.3em;
    max-width: 7em;
  }
  .head button svg {
    width: 1em;
    height: 1em;
  }
  .head :focus-visible {
    outline-color: var(--on-accent);
    box-shadow: 0 0 0 2px var(--focus);
  }

  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
    padding: 0.4em 1em;
    border-bottom: 1px solid var(--border);
    background: #fff8e1;
    color: #1a1a1a;
    font-size: 0.9em;
  }
  .bar button {
    background: #ffffff;
    border: 1px solid var(--border);
    min-height: 2.2em;
  }

  .log {
    flex: 1;
    overflow-y: auto;
    margin: 0;
    padding: 0.75em;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 0.6em;
    scroll-behavior: smooth;
  }
  .msg {
    display: flex;
    flex-direction: column;
    gap: 0.4em;
    max-width: 100%;
  }
  .bubble {
    max-width: 88%;
    padding: 0.5em 0.8em;
    border-radius: var(--radius);
    border: 1px solid transparent;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    background: var(--bot-bg);
    align-self: flex-start;
  }
  .msg.user .bubble {
    align-self: flex-end;
    background: var(--user-bg);
    color: var(--user-fg);
  }
  .msg.user .bubble a {
    color: inherit;
  }
  .msg.agent .bubble {
    border-color: var(--accent);
    background: var(--bg);
  }
  .msg.system .bubble {
    align-self: center;
    background: var(--bg);
    border: 1px dashed var(--border);
    font-size: 0.9em;
  }
  .who {
    font-size: 0.8em;
    color: var(--muted);
  }
  .msg.user .who {
    align-self: flex-end;
  }
  .pending .bubble {
    opacity: 0.85;
  }
  .pending .who {
    font-style: italic;
  }
  .pending.failed .who {
    color: #b00020;
  }

  .options {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em;
  }
  .options button {
    background: var(--bg);
    color: var(--accent);
    border: 2px solid var(--accent);
    padding: 0.3em 0.9em;
    border-radius: 2em;
    text-align: start;
  }
  .options button:hover {
    background: var(--accent);
    color: var(--on-accent);
  }

  .cards,
  .checklist ol,
  .timeline {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 0.5em;
  }
  .card,
  .checklist,
  .status {
    border: 1px solid var(--border);
    border-radius: 0.5em;
    padding: 0.6em 0.8em;
    background: var(--bg);
    display: flex;
    flex-direction: column;
    gap: 0.3em;
  }
  .card-name,
  .block-title {
    font-weight: 700;
  }
  .badges {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em 0.6em;
    align-items: center;
    font-size: 0.85em;
  }
  .badge,
  .state {
    display: inline-block;
    padding: 0 0.5em;
    border-radius: 1em;
    border: 1px solid currentColor;
    font-size: 0.85em;
    font-weight: 600;
  }
  .badge[data-kind='core'] {
    background: var(--accent);
    color: var(--on-accent);
    border-color: var(--accent);
  }
  .meta {
    display: block;
    font-size: 0.85em;
    color: var(--muted);
  }
  .state[data-state='done'] {
    color: #1b5e20;
  }
  .state[data-state='action-needed'] {
    color: #a3180b;
  }
  .checklist li,
  .timeline li {
    position: relative;
    padding-left: 1.3em;
  }
  .checklist li::before,
  .timeline li::before {
    content: '';
    position: absolute;
    left: 0;
    top: 0.45em;
    width: 0.7em;
    height: 0.7em;
    border-radius: 50%;
    border: 2px solid var(--accent);
  }
  li[data-state='done']::before {
    background: var(--accent);
  }
  .timeline li:not(:last-child)::after {
    content: '';
    position: absolute;
    left: calc(0.35em - 1px);
    top: 1.25em;
    bottom: -0.5em;
    border-left: 2px solid var(--border);
  }
  .privacy {
    font-size: 0.85em;
    color: var(--muted);
    padding: 0.4em 0.6em;
    border: 1px solid var(--border);
    border-radius: 0.5em;
  }
  .first {
    font-weight: 600;
    padding: 0.3em 0.5em;
    border-left: 4px solid var(--accent);
  }
  .checklist li {
    padding-left: 0;
  }
  .checklist li::before {
    display: none;
  }
  summary,
  .summary {
    cursor: pointer;
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.2em 0.5em;
    min-height: 2.75em;
    padding: 0.2em 0;
  }
  .summary {
    cursor: auto;
  }
  /* The disclosure chevron, drawn (flex summaries have no list marker). */
  summary {
    list-style: none;
    position: relative;
  }
  summary::-webkit-details-marker {
    display: none;
  }
  summary,
  .summary {
    padding-left: 1.3em;
  }
  summary::before {
    content: '';
    position: absolute;
    left: 0.25em;
    top: 0.75em;
    width: 0.45em;
    height: 0.45em;
    border-right: 2px solid var(--fg);
    border-bottom: 2px solid var(--fg);
    transform: rotate(-45deg);
  }
  details[open] > summary::before {
    transform: rotate(45deg);
  }
  details > :not(summary) {
    margin: 0.2em 0 0.5em 1em;
  }
  details > a {
    display: inline-block;
  }
  .item-text {
    font-weight: 600;
  }
  .mark {
    font-size: 0.8em;
    font-weight: 700;
    padding: 0 0.5em;
    border: 2px solid var(--accent);
    color: var(--accent);
    white-space: nowrap;
  }
  /* Four markers that differ in shape and symbol, not only in colour. */
  .mark[data-mode='automatic'] {
    border-style: dashed;
    border-color: var(--muted);
    color: var(--fg);
    border-radius: 1em;
  }
  .mark[data-mode='proactive'] {
    border-radius: 0.3em;
  }
  .mark[data-mode='application'] {
    background: var(--accent);
    color: var(--on-accent);
    border-radius: 0;
  }
  .mark[data-mode='optional'] {
    border-style: dotted;
    border-radius: 0;
  }
  .plan-actions,
  .rate {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4em;
  }
  .plan-actions button,
  .rate button,
  .sign-in {
    background: var(--bg);
    color: var(--accent);
    border: 1px solid var(--accent);
    padding: 0.2em 0.8em;
  }
  .rate button {
    font-size: 0.8em;
    color: var(--muted);
    border-color: var(--border);
  }
  .sign-in {
    align-self: flex-start;
    border-width: 2px;
    font-weight: 600;
  }
  .contact input {
    border: 1px solid var(--border);
    border-radius: 0.5em;
    padding: 0.5em;
    min-height: 2.75em;
  }

  .feedback {
    display: flex;
    flex-direction: column;
    gap: 0.4em;
    border: 1px solid var(--border);
    border-radius: 0.5em;
    padding: 0.6em 0.8em;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
  }
  legend {
    padding: 0;
    font-weight: 600;
  }
  .stars {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em;
    margin-top: 0.3em;
  }
  .stars label {
    display: inline-flex;
    align-items: center;
    gap: 0.2em;
    min-height: 2.75em;
    padding-right: 0.5em;
  }
  .stars input {
    width: 1.3em;
    height: 1.3em;
    accent-color: var(--accent);
  }
  .feedback button,
  .composer button {
    background: var(--accent);
    color: var(--on-accent);
    border: 2px solid var(--accent);
    padding: 0.3em 1em;
    font-weight: 600;
  }
  .feedback textarea,
  .composer textarea {
    border: 1px solid var(--border);
    border-radius: 0.5em;
    padding: 0.5em;
    background: var(--bg);
    resize: none;
  }

  .typing {
    display: flex;
    gap: 0.25em;
    padding: 0.6em 0.8em;
    align-self: flex-start;
    background: var(--bot-bg);
    border-radius: var(--radius);
  }
  .typing span[aria-hidden] {
    width: 0.5em;
    height: 0.5em;
    border-radius: 50%;
    background: var(--muted);
    animation: blink 1.2s infinite ease-in-out;
  }
  .typing span:nth-child(2) {
    animation-delay: 0.2s;
  }
  .typing span:nth-child(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.3;
    }
    40% {
      opacity: 1;
    }
  }

  .composer {
    display: flex;
    gap: 0.5em;
    align-items: flex-end;
    padding: 0.6em;
    border-top: 1px solid var(--border);
  }
  .composer textarea {
    flex: 1;
    min-width: 0;
    min-height: 2.75em;
    max-height: 8em;
  }

  @media print {
    .launcher,
    .head button,
    .head select,
    .bar,
    .composer,
    .rate,
    .plan-actions,
    .options,
    .typing,
    .feedback,
    .sign-in,
    .privacy {
      display: none;
    }
    .panel {
      position: static;
      width: auto;
      height: auto;
      border: 0;
      box-shadow: none;
      overflow: visible;
    }
    .head {
      background: none;
      color: #000000;
      padding: 0;
    }
    .log {
      overflow: visible;
    }
    .printing .msg:not(.print-target),
    .printing .print-target > :not(.checklist),
    .printing .head {
      display: none;
    }
    .checklist {
      border: 0;
      padding: 0;
    }
    a::after {
      content: ' (' attr(href) ')';
    }
    summary {
      list-style: none;
    }
    .bubble {
      max-width: 100%;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .log {
      scroll-behavior: auto;
    }
    .typing span[aria-hidden] {
      animation: none;
      opacity: 0.7;
    }
  }
`;
