import { createHash, randomBytes } from 'node:crypto';

export interface ConsoleSession {
  /** Sent back in the `X-CSRF-Token` header of every state-changing call. */
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface ConsoleSessions {
  /** A new session; `id` goes into the cookie and nowhere else. */
  create(): ConsoleSession & { readonly id: string };
  /** The live session of a cookie's ID, or undefined (unknown or expired). */
  get(id: string): ConsoleSession | undefined;
  delete(id: string): void;
}

/** A working day: an operator signs in again the next morning. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Sign-ins beyond this evict the oldest session, so a script signing in in a loop cannot grow memory. */
const MAX_SESSIONS = 1_000;

/**
 * Server-side console sessions, in this admin process's memory: a session is a random 256-bit
 * ID (the cookie) mapped to its CSRF token and expiry. Nothing in the cookie can be forged or
 * replayed after sign-out, and a restart signs everyone out (acceptable for an operator tool).
 * Kept by the ID's SHA-256, so the map's lookups say nothing about the IDs themselves.
 */
export function createConsoleSessions({ now = () => new Date(), ttlMs = SESSION_TTL_MS } = {}): ConsoleSessions {
  const sessions = new Map<string, ConsoleSession>();
  const key = (id: string) => createHash('sha256').update(id).digest('base64url');
  const random = () => randomBytes(32).toString('base64url');
  return {
    create() {
      const id = random();
      const session = { csrfToken: random(), expiresAt: new Date(now().getTime() + ttlMs) };
      for (const [k, s] of sessions) if (s.expiresAt <= now()) sessions.delete(k);
      while (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      sessions.set(key(id), session);
      return { id, ...session };
    },
    get(id) {
      const k = key(id);
      const session = sessions.get(k);
      if (!session) return undefined;
      if (session.expiresAt <= now()) {
        sessions.delete(k);
        return undefined;
      }
      return session;
    },
    delete(id) {
      sessions.delete(key(id));
    },
  };
}
