import { createHash } from 'node:crypto'

/**
 * A user id (or a visitor's session key) as it may be stored: sha256 of the salt and the id, in hex.
 * The salt keeps the hashes from being reversed by hashing every `u_<n>`; it must stay the same for
 * hashed ids to join across days.
 *
 * @example
 * hashUserId('u_81723', 'secret') // '3f1c…' (64 hex digits)
 */
export function hashUserId(id: string, salt: string): string {
  if (salt === '') throw new Error('hashUserId needs a salt: an unsalted hash of "u_<n>" is easy to reverse')
  return createHash('sha256').update(salt).update('\0').update(id).digest('hex')
}

/** hashUserId with a memory: a day's log repeats the same few thousand ids tens of thousands of times. */
export function userIdHasher(salt: string): (id: string) => string {
  const seen = new Map<string, string>()
  return (id) => {
    let hash = seen.get(id)
    if (hash === undefined) {
      hash = hashUserId(id, salt)
      seen.set(id, hash)
    }
    return hash
  }
}
