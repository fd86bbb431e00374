/**
 * Which open conversations belong to a signed-in person, so a status change reaches them.
 * In memory for one instance; in Redis when several instances share the conversations, so a
 * change received by any instance reaches the person wherever their conversation was opened.
 * The person is never a key in clear: the index is keyed by a keyed pseudonym.
 */
import type { Redis } from 'ioredis';

export interface SubjectIndex {
  add(subject: string, sessionId: string): Promise<void>;
  remove(subject: string, sessionId: string): Promise<void>;
  /** The person's sessions, newest last. */
  sessions(subject: string): Promise<string[]>;
}

export function createMemorySubjectIndex(maxPerSubject = 20): SubjectIndex {
  const bySubject = new Map<string, string[]>();
  return {
    add(subject, sessionId) {
      const ids = (bySubject.get(subject) ?? []).filter((id) => id !== sessionId);
      ids.push(sessionId);
      if (ids.length > maxPerSubject) ids.splice(0, ids.length - maxPerSubject);
      bySubject.set(subject, ids);
      return Promise.resolve();
    },
    remove(subject, sessionId) {
      const ids = (bySubject.get(subject) ?? []).filter((id) => id !== sessionId);
      if (ids.length > 0) bySubject.set(subject, ids);
      else bySubject.delete(subject);
      return Promise.resolve();
    },
    sessions: (subject) => Promise.resolve([...(bySubject.get(subject) ?? [])]),
  };
}

export interface RedisSubjectIndexOptions {
  client: Redis;
  prefix: string;
  /** Maps the personal code to the key part (a keyed pseudonym). */
  keyOf: (subject: string) => string;
  /** Entries live as long as the sessions they point to. */
  ttlMs: number;
  maxPerSubject?: number;
}

export function createRedisSubjectIndex(options: RedisSubjectIndexOptions): SubjectIndex {
  const { client, prefix, keyOf, ttlMs } = options;
  const max = options.maxPerSubject ?? 20;
  const key = (subject: string) => `${prefix}subject:${keyOf(subject)}`;
  return {
    async add(subject, sessionId) {
      const k = key(subject);
      await client
        .multi()
        .zadd(k, Date.now(), sessionId)
        .zremrangebyrank(k, 0, -max - 1)
        .pexpire(k, ttlMs)
        .exec();
    },
    async remove(subject, sessionId) {
      await client.zrem(key(subject), sessionId);
    },
    sessions: (subject) => client.zrange(key(subject), 0, -1),
  };
}
