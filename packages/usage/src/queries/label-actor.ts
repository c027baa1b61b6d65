import type { Database } from '@steward/db'
import type { Kysely } from 'kysely'
import { usageError } from '../errors.ts'
import { isActorHash } from '../hash-actor.ts'

/**
 * Names a hashed actor after its team ("finance-analytics"), as a product owner knows it, so top
 * consumers read as teams. An empty label removes it. The raw identity is never needed.
 */
export async function labelActor(db: Kysely<Database>, actorHash: string, label: string): Promise<void> {
  if (!isActorHash(actorHash))
    throw usageError('USAGE_QUERY_INVALID', `"${actorHash}" is not an actor hash (64 hex digits)`)
  const name = label.trim()
  if (name === '') {
    await db.deleteFrom('actor_labels').where('actor_hash', '=', actorHash).execute()
    return
  }
  if (name.length > 100) throw usageError('USAGE_QUERY_INVALID', 'an actor label is at most 100 characters')
  await db
    .insertInto('actor_labels')
    .values({ actor_hash: actorHash, label: name })
    .onConflict((oc) => oc.column('actor_hash').doUpdateSet({ label: name, updated_at: new Date() }))
    .execute()
}
