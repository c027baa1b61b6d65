import { createHmac } from 'node:crypto'

/**
 * How an actor is stored: HMAC-SHA256(salt, actor) in hex. Keyed (not a bare sha256) so nobody
 * holding the database alone can test a guessed e-mail address against it. Surrounding spaces are
 * not part of an identity, so `" ana@x.io"` and `"ana@x.io"` are one actor.
 */
export function hashActor(salt: string, actor: string): string {
  return createHmac('sha256', salt).update(actor.trim()).digest('hex')
}

/** A stored actor hash: 64 lower-case hex digits. */
export function isActorHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value)
}
