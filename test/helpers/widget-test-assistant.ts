/**
 * A scripted assistant for browser tests, injected through createApp's AppOptions at the
 * test's edge: a keyword in the message picks a reply that exercises one kind of block
 * (options, services, checklist, status, handover, feedback) or carries XSS payloads.
 * The product never uses it.
 */
import type { Assistant, AssistantReply } from '../../src/core/assistant.js';
import type { Lang } from '../../src/protocol/frames.js';

interface ScriptedState {
  v: 1;
  lang: Lang;
}

export const XSS_PAYLOADS = [
  '<script>window.__xss = "script"</script>',
  '<img src=x onerror="window.__xss = \'img\'">',
  'javascript:window.__xss="link"',
  '<a href="javascript:window.__xss=\'a\'">click</a>',
  '"><svg onload="window.__xss=\'svg\'">',
];

const REPLIES: Record<string, AssistantReply> = {
  options: {
    text: 'Which life event is it about?',
    blocks: [
      {
        type: 'options',
        options: [
          { id: 'marriage', label: 'Getting married' },
          { id: 'birth', label: 'A child is born' },
        ],
      },
    ],
  },
  marriage: {
    text: 'These services help when you marry. Details: https://www.eesti.ee/en/family',
    blocks: [
      {
        type: 'services',
        services: [
          {
            id: 'marriage-registration',
            name: 'Registering a marriage',
            provider: 'Vital statistics office',
            kind: 'core',
            mode: 'application',
            deadline: '1 month before',
            url: 'https://www.eesti.ee/en/family/marriage',
          },
          {
            id: 'name-change',
            name: 'Changing your name',
            provider: 'Population register',
            kind: 'optional',
            mode: 'automatic',
            url: 'https://www.eesti.ee/en/family/name',
          },
        ],
      },
      {
        type: 'checklist',
        title: 'Your checklist',
        items: [
          { text: 'Submit the marriage application', state: 'action-needed', mode: 'application' },
          { text: 'New name in the register', state: 'not-started', mode: 'automatic' },
        ],
      },
    ],
  },
  status: {
    text: 'Here is where your services stand.',
    blocks: [
      {
        type: 'status',
        title: 'Status',
        items: [
          { serviceId: 'a', name: 'Family benefit', state: 'done', date: '2025-03-01' },
          {
            serviceId: 'b',
            name: 'Parental benefit',
            state: 'in-progress',
            nextStep: 'Wait for the decision',
            url: 'https://www.sotsiaalkindlustusamet.ee/en',
          },
        ],
      },
    ],
  },
  handover: {
    text: 'I will find a person for you.',
    blocks: [{ type: 'handover', state: 'queued', position: 2 }],
  },
  bye: { text: 'Goodbye! Was this helpful?', blocks: [{ type: 'feedback' }] },
  // A plan with all three kinds of step, then the feedback form below it.
  plan: {
    text: 'Here is your plan.\n\n1. Register the marriage\n2. Population register\n3. Family benefit',
    blocks: [
      {
        type: 'checklist',
        title: 'Your plan: getting married',
        planId: 'plan-123',
        items: [
          {
            text: 'New names in the population register',
            mode: 'automatic',
            provider: 'Population register',
            // A deadline written as a sentence: never after a label, never in the one line.
            deadline: 'The register enters it by itself after the wedding.',
            summary: 'Your new surname is entered automatically after the marriage is registered.',
          },
          {
            text: 'Register the marriage',
            mode: 'application',
            provider: 'Vital statistics office',
            deadline: '1–6 months before the wedding',
            summary: 'Submit a joint application; the state fee is 70 € (since 1 January 2025).',
            url: 'https://www.eesti.ee/en/family/marriage',
            state: 'action-needed',
          },
          {
            text: 'Confirm the family benefit offer',
            mode: 'proactive',
            provider: 'Social Insurance Board',
            deadline: 'within 12 months',
            url: 'https://www.sotsiaalkindlustusamet.ee/en',
          },
          {
            // An optional service the person applies for: no obligation (review 17 F-0).
            text: 'Marriage certificate',
            kind: 'optional',
            mode: 'application',
            provider: 'Vital statistics office',
          },
        ],
      },
    ],
  },
  signin: {
    text: 'If you sign in, I can show your own status. For now, general guidance:',
    blocks: [
      { type: 'sign-in' },
      {
        type: 'options',
        options: [
          { id: 'marriage', label: 'Getting married' },
          { id: 'birth', label: 'A child is born' },
        ],
      },
    ],
  },
  closed: {
    text: 'Our staff answer on weekdays 9:00–17:00. Nobody is available right now; we are back tomorrow at 9:00.',
    blocks: [{ type: 'handover', state: 'unavailable' }],
  },
  xss: {
    text: XSS_PAYLOADS.join('\n'),
    blocks: [
      { type: 'options', options: [{ id: 'x', label: '<img src=x onerror="window.__xss=1">' }] },
      {
        type: 'services',
        services: [
          {
            id: 's',
            name: '<script>window.__xss="card"</script>',
            provider: '<b onclick="window.__xss=2">p</b>',
            kind: 'core',
            mode: 'proactive',
            url: 'https://example.com/?q=<script>',
          },
        ],
      },
    ],
  },
};

const PLAN_FOLLOW_UP: AssistantReply = {
  text: 'Good luck! Was this conversation helpful?',
  blocks: [{ type: 'feedback' }],
};

export function createWidgetTestAssistant(): Assistant<ScriptedState> {
  return {
    initial: (lang) => ({ v: 1, lang }),
    restore: (stored) =>
      typeof stored === 'object' && stored !== null && (stored as ScriptedState).v === 1
        ? (stored as ScriptedState)
        : undefined,
    step(state, event) {
      const lang = event.type === 'set-lang' ? event.lang : state.lang;
      let replies: AssistantReply[] = [];
      if (event.type === 'start') replies = [{ text: `Hello (${lang})!`, blocks: [] }];
      if (event.type === 'choose')
        replies = [REPLIES[event.optionId] ?? { text: `Chose ${event.optionId}`, blocks: [] }];
      if (event.type === 'text') {
        const key = Object.keys(REPLIES).find((k) => event.text.toLowerCase().includes(k));
        replies = [key ? REPLIES[key]! : { text: `You said: ${event.text}`, blocks: [] }];
        // The plan's turn goes on after it, as real ones do: the feedback form comes last.
        if (key === 'plan') replies.push(PLAN_FOLLOW_UP);
      }
      if (event.type === 'feedback') replies = [{ text: `Rated ${event.rating}`, blocks: [] }];
      return { state: { v: 1, lang }, lang, replies, effects: [], info: {} };
    },
  };
}
