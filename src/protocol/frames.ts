/**
 * The WebSocket protocol, version 1: the server's strict zod schemas for every frame.
 *
 * The widget does not bundle them: it imports only the types of this file and the constants
 * of constants.ts, and checks incoming frames with the small structural check in
 * widget/src/check.ts (what it renders is there with the right type; blocks it does not know
 * are skipped). Written with `zod/mini`; the server loads zod's English messages once at
 * start (see src/protocol/errors.ts). docs/protocol.md documents every frame; change both
 * together.
 */
import * as z from 'zod/mini';
import { LANGS, LIMITS, PROTOCOL_VERSION } from './constants.js';

export { LANGS, LIMITS, PROTOCOL_VERSION };
export const Lang = z.enum(LANGS);
export type Lang = z.infer<typeof Lang>;

const Id = z.string().check(z.minLength(1), z.maxLength(LIMITS.idMaxChars));
const Text = z.string().check(z.maxLength(LIMITS.textMaxChars));
const HttpsUrl = z.string().check(z.url({ protocol: /^https$/ }));

// ---------------------------------------------------------------------------------------------
// Reply blocks: what the assistant (or an agent) shows beside the text of a reply.

export const Option = z.object({ id: Id, label: z.string() });
export type Option = z.infer<typeof Option>;

export const ServiceKind = z.enum(['core', 'optional', 'exceptional']);
export type ServiceKind = z.infer<typeof ServiceKind>;
export const ServiceMode = z.enum(['automatic', 'proactive', 'application']);
export type ServiceMode = z.infer<typeof ServiceMode>;
export const ServiceState = z.enum([
  'done',
  'in-progress',
  'action-needed',
  'not-started',
  'offered',
]);
export type ServiceState = z.infer<typeof ServiceState>;

export const ServiceCard = z.object({
  id: Id,
  name: z.string(),
  provider: z.string(),
  kind: ServiceKind,
  mode: ServiceMode,
  summary: z.optional(z.string()),
  deadline: z.optional(z.string()),
  url: HttpsUrl,
});
export type ServiceCard = z.infer<typeof ServiceCard>;

export const ChecklistItem = z.object({
  serviceId: z.optional(Id),
  text: z.string(),
  /** The facts: what it is, who qualifies, amounts with their year. */
  summary: z.optional(z.string()),
  kind: z.optional(ServiceKind),
  mode: z.optional(ServiceMode),
  provider: z.optional(z.string()),
  deadline: z.optional(z.string()),
  state: z.optional(ServiceState),
  url: z.optional(HttpsUrl),
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

export const StatusItem = z.object({
  serviceId: Id,
  name: z.string(),
  state: ServiceState,
  /** ISO date (YYYY-MM-DD) of the last change. */
  date: z.optional(z.string()),
  nextStep: z.optional(z.string()),
  url: z.optional(HttpsUrl),
});
export type StatusItem = z.infer<typeof StatusItem>;

export const HandoverState = z.enum(['queued', 'connected', 'ended', 'unavailable']);
export type HandoverState = z.infer<typeof HandoverState>;

export const Block = z.discriminatedUnion('type', [
  z.object({ type: z.literal('options'), options: z.array(Option) }),
  z.object({ type: z.literal('services'), services: z.array(ServiceCard) }),
  z.object({
    type: z.literal('checklist'),
    title: z.string(),
    items: z.array(ChecklistItem),
    /** The plan as a page of its own, /plan/{planId} (answers only, no personal data). */
    planId: z.optional(Id),
  }),
  z.object({
    type: z.literal('status'),
    title: z.string(),
    items: z.array(StatusItem),
  }),
  z.object({
    type: z.literal('handover'),
    state: HandoverState,
    position: z.optional(z.number()),
  }),
  z.object({ type: z.literal('feedback') }),
  /** Signing in would help (e.g. "my status" signed out): the widget offers the host page's sign-in. */
  z.object({ type: z.literal('sign-in') }),
]);
export type Block = z.infer<typeof Block>;

// ---------------------------------------------------------------------------------------------
// Client -> server frames.

export const HelloFrame = z.object({
  type: z.literal('hello'),
  v: z.literal(PROTOCOL_VERSION),
  lang: Lang,
  /** Resume this session (kept by the widget in sessionStorage). */
  sessionId: z.optional(Id),
  /** The highest seq the client has shown; the server replays every frame after it. */
  lastSeq: z.optional(z.number().check(z.int(), z.minimum(0))),
  /** Signed identity token from the host page's sign-in (see docs/protocol.md). */
  token: z.optional(z.string().check(z.minLength(1), z.maxLength(LIMITS.tokenMaxChars))),
});

export const MessageFrame = z.object({
  type: z.literal('message'),
  /** Client-chosen id; a message resent with the same id is acknowledged, not answered twice. */
  id: Id,
  text: Text.check(z.minLength(1)),
});

export const ChooseFrame = z.object({
  type: z.literal('choose'),
  id: Id,
  optionId: Id,
});

export const SetLangFrame = z.object({ type: z.literal('set-lang'), lang: Lang });

export const FeedbackFrame = z.object({
  type: z.literal('feedback'),
  rating: z.number().check(z.int(), z.minimum(1), z.maximum(5)),
  comment: z.optional(z.string().check(z.maxLength(LIMITS.commentMaxChars))),
});

export const ANSWER_FEEDBACK = ['not-helpful', 'wrong-topic'] as const;
export type AnswerFeedbackReason = (typeof ANSWER_FEEDBACK)[number];

/** "Not helpful" / "wrong topic" on one assistant answer, recorded with that turn's intent. */
export const AnswerFeedbackFrame = z.object({
  type: z.literal('answer-feedback'),
  /** The seq of the assistant reply the feedback is about. */
  seq: z.number().check(z.int(), z.minimum(1)),
  reason: z.enum(ANSWER_FEEDBACK),
});

/** The client's heartbeat: answered with `pong` at once, so a dead connection shows in seconds. */
export const PingFrame = z.object({ type: z.literal('ping') });

export const ClientFrame = z.discriminatedUnion('type', [
  HelloFrame,
  PingFrame,
  MessageFrame,
  ChooseFrame,
  SetLangFrame,
  FeedbackFrame,
  AnswerFeedbackFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type HelloFrame = z.infer<typeof HelloFrame>;

// ---------------------------------------------------------------------------------------------
// Server -> client frames. Frames with a seq are kept in the session's history and replayed.

export const WelcomeFrame = z.object({
  type: z.literal('welcome'),
  v: z.literal(PROTOCOL_VERSION),
  sessionId: Id,
  lang: Lang,
  resumed: z.boolean(),
  /** The session's highest seq so far. */
  lastSeq: z.number(),
  /** Present when the session is signed in: a display name, never the personal code. */
  identity: z.optional(z.object({ name: z.string() })),
});

export const Role = z.enum(['assistant', 'agent', 'system']);
export type Role = z.infer<typeof Role>;

export const TurnMeta = z.object({
  intent: z.optional(z.string()),
  confidence: z.optional(z.number()),
  /** Detected language of the person's message. */
  lang: z.optional(Lang),
  lifeEvent: z.optional(z.string()),
  node: z.optional(z.string()),
  /** Dialog nodes passed in this turn, as `lifeEvent/node`. */
  visited: z.optional(z.array(z.string())),
  /** The quick reply a question was answered with, clicked or typed, as `lifeEvent/node:option`. */
  answered: z.optional(z.string()),
});
export type TurnMeta = z.infer<typeof TurnMeta>;

export const ReplyFrame = z.object({
  type: z.literal('reply'),
  seq: z.number(),
  role: Role,
  text: z.string(),
  /** The language of the text; the assistant may switch when the person writes in another. */
  lang: z.optional(Lang),
  blocks: z.array(Block),
  /** The client message id this answers, when it answers one. */
  replyTo: z.optional(Id),
  /** Epoch milliseconds. */
  ts: z.number(),
  /** What the assistant understood (first reply of a turn): for authors' tools and debugging. */
  meta: z.optional(TurnMeta),
});
export type ReplyFrame = z.infer<typeof ReplyFrame>;

/** The citizen's own message as the server recorded it: acknowledges it and lets history replay it. */
export const UserFrame = z.object({
  type: z.literal('user'),
  seq: z.number(),
  id: Id,
  text: z.string(),
  ts: z.number(),
});
export type UserFrame = z.infer<typeof UserFrame>;

export const TypingFrame = z.object({ type: z.literal('typing'), on: z.boolean() });

/** The answer to a client's `ping`. */
export const PongFrame = z.object({ type: z.literal('pong') });

export const ErrorCode = z.enum([
  'BAD_JSON',
  'BAD_FRAME',
  'FRAME_TOO_LARGE',
  'RATE_LIMITED',
  'HELLO_REQUIRED',
  'ALREADY_HELLO',
  'UNSUPPORTED_VERSION',
  'AUTH_INVALID_TOKEN',
  'AUTH_NOT_CONFIGURED',
  'UNKNOWN_SESSION',
  'UNKNOWN_OPTION',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string(),
  /** The client message id the error is about, when there is one. */
  id: z.optional(z.string()),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  WelcomeFrame,
  ReplyFrame,
  UserFrame,
  TypingFrame,
  PongFrame,
  ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

/** Frames kept in a session's history, in seq order. */
export type HistoryFrame = ReplyFrame | UserFrame;
