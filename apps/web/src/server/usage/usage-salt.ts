import { StewardError } from '@steward/kernel'
import { settings } from '#env.ts'

/**
 * STEWARD_USAGE_SALT, which every stored actor is hashed with. `steward dev` passes the one it
 * keeps under .steward/secrets; production refuses to start without one (see readSettings), so a
 * missing salt here means `next dev` was started by hand.
 */
export function usageSalt(): string {
  const salt = settings().usageSalt
  if (!salt) {
    throw new StewardError(
      'USAGE_SALT_MISSING',
      'STEWARD_USAGE_SALT is not set: start the web app with steward dev (which keeps one under .steward/secrets), or set it',
    )
  }
  return salt
}
