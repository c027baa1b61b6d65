import { postgresJson, postgresText } from '@steward/kernel'
import type { Kysely } from 'kysely'
import type { Database } from '../schema.ts'
import type { AuditEntry } from './audit-entry.ts'
import { productOfTarget } from './product-of-target.ts'

/** Text columns are cut here: an actor or a target id is a name, not a document. */
const maxTextLength = 500
/** A `details` larger than this (as JSON) is replaced by a note and its first characters. */
export const maxAuditDetailsLength = 8_000

/**
 * Writes one row of the audit log, with the target's product found through its record when the
 * entry does not name it (`productOfTarget`). Every action site calls it after its change committed (the
 * web's API routes and server actions, the CLI, Slack's buttons in @steward/alerts), so the log
 * holds what happened, not what was tried.
 *
 * Text from outside (an actor's name, a target id, details) is made storable: NUL and lone
 * surrogates become U+FFFD (`postgresText`, `postgresJson`), long text is cut, and details past
 * `maxAuditDetailsLength` are kept as a truncated preview, so a hostile value never makes the
 * insert fail.
 */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  const productId = entry.productId === undefined ? await productOfTarget(db, entry.target) : entry.productId
  await db
    .insertInto('audit_log')
    .values({
      actor_kind: entry.actor.kind,
      actor: bounded(entry.actor.name),
      via: entry.actor.via,
      source: entry.actor.source === undefined ? null : bounded(entry.actor.source),
      action: entry.action,
      target_kind: entry.target.kind,
      target_id: bounded(entry.target.id),
      product_id: productId == null ? null : bounded(productId),
      details: boundedDetails(entry.details ?? {}),
    })
    .execute()
}

function bounded(text: string): string {
  // Cut first: a cut through a surrogate pair leaves half of it, which postgresText then replaces.
  return postgresText(text.length > maxTextLength ? `${text.slice(0, maxTextLength - 1)}…` : text)
}

function boundedDetails(details: Record<string, unknown>): string {
  let text: string
  try {
    text = postgresJson(details)
  } catch {
    return postgresJson({ unserialisable: true })
  }
  if (text.length <= maxAuditDetailsLength) return text
  return postgresJson({ truncated: true, preview: text.slice(0, maxAuditDetailsLength / 2) })
}
