/** What each staff role may do. Admin may do everything. */
import type { StaffRole } from '../store/staff-store.js';

export const PERMISSIONS = {
  /** The live queue: take over, chat, hand back, end; contact requests. */
  live: ['agent', 'admin'],
  /** Transcripts of conversations that were handed over to a person. */
  'transcripts:handover': ['agent', 'trainer', 'admin'],
  /** Every transcript, search and export. */
  transcripts: ['trainer', 'admin'],
  /** Mark misclassified messages, export training examples. */
  training: ['trainer', 'admin'],
  analytics: ['trainer', 'admin'],
  /** Deletion, retention, audit log. */
  admin: ['admin'],
  /** Add, edit and delete the agents' canned replies (agents use them, they do not change them). */
  canned: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
