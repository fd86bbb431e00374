/**
 * The tables of the transcript and back-office store, as Kysely sees them. Times are epoch
 * milliseconds (bigint in PostgreSQL, integer in SQLite); flags are 0/1 integers so one query
 * code serves both databases.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface ConversationsTable {
  id: string;
  started_at: number;
  ended_at: number | null;
  last_activity_at: number;
  lang: string;
  channel: string;
  /** Keyed pseudonym of the signed-in subject (src/privacy/pseudonym.ts); never the code. */
  subject: string | null;
  outcome: string | null;
  rating: number | null;
  comment: string | null;
  handed_over: Generated<number>;
  message_count: Generated<number>;
  /** Citizen messages the NLU classified, and of those the ones it found out of scope. */
  classified_messages: Generated<number>;
  fallback_messages: Generated<number>;
}

export interface ConversationLifeEventsTable {
  conversation_id: string;
  life_event: string;
}

export interface MessagesTable {
  conversation_id: string;
  seq: number;
  role: string;
  text: string;
  intent: string | null;
  confidence: number | null;
  node: string | null;
  life_event: string | null;
  created_at: number;
  corrected_intent: string | null;
  corrected_by: string | null;
  corrected_at: number | null;
}

export interface StaffAccountsTable {
  username: string;
  role: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface StaffSessionsTable {
  /** SHA-256 of the cookie value: a copy of the table does not hand out sessions. */
  id_hash: string;
  username: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface ContactRequestsTable {
  id: string;
  conversation_id: string;
  created_at: number;
  lang: string;
  text: string;
  handled_at: number | null;
  handled_by: string | null;
}

export interface HandoverRequestsTable {
  conversation_id: string;
  /** The first time the conversation asked for a person. */
  requested_at: number;
  /** queued: inside office hours; contact: outside them (asked to leave contact details). */
  kind: string;
}

export interface Database {
  conversations: ConversationsTable;
  conversation_life_events: ConversationLifeEventsTable;
  messages: MessagesTable;
  staff_accounts: StaffAccountsTable;
  staff_sessions: StaffSessionsTable;
  audit_log: AuditLogTable;
  contact_requests: ContactRequestsTable;
  handover_requests: HandoverRequestsTable;
  answer_feedback: AnswerFeedbackTable;
  canned_replies: CannedRepliesTable;
}

/** An agent's ready reply in one language (src/store/canned-store.ts). */
export interface CannedRepliesTable {
  lang: string;
  id: string;
  label: string;
  text: string;
  /** Order in the agents' list. */
  position: number;
  updated_at: number;
  /** The admin who last changed it; null for a file default. */
  updated_by: string | null;
  /** Set when an admin deleted it: the file default is not added again. */
  deleted_at: number | null;
}

/** The citizen's "not-helpful" / "wrong-topic" on one assistant answer, with its turn's intent. */
export interface AnswerFeedbackTable {
  conversation_id: string;
  /** The seq of the assistant reply. */
  seq: number;
  reason: string;
  intent: string | null;
  created_at: number;
}

export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
