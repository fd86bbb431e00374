/**
 * The one rule for who may continue a conversation, used by every channel (WebSocket hello,
 * REST turns) and every turn: a signed-in conversation only by the same verified person, since
 * its history may hold their name and status; a signed-out one by anyone who has its id, and a
 * verified person who presents it signs it in.
 */
import type { Identity, Session } from './session.js';

export type Access =
  /** Go on as it is. */
  | 'continue'
  /** Go on, and the conversation becomes this person's from now on. */
  | 'sign-in'
  /** Not for this caller: start a new conversation (open) or refuse (a turn). */
  | 'refuse';

export function accessTo(session: Session, identity: Identity | undefined): Access {
  if (session.identity)
    return identity?.subject === session.identity.subject ? 'continue' : 'refuse';
  return identity ? 'sign-in' : 'continue';
}
