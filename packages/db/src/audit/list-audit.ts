import { StewardError } from '@steward/kernel'
import type { Kysely } from 'kysely'
import type { DbErrorCode } from '../errors.ts'
import type { AuditActorKind, AuditRow, Database } from '../schema.ts'
import type { AuditAction } from './audit-entry.ts'

/** What to list; every field narrows. */
export interface AuditFilter {
  action?: AuditAction | undefined
  actorKind?: AuditActorKind | undefined
  /** Part of the actor's name, any case: `ana` finds `ana@example.com`. */
  actor?: string | undefined
  productId?: string | undefined
  /** Only these products' rows (a token limited to products); rows of no product are left out. */
  productIds?: readonly string[] | null | undefined
  since?: Date | undefined
  until?: Date | undefined
}

export interface AuditPage {
  rows: AuditRow[]
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null
}

export const maxAuditPageSize = 200

/**
 * One page of the audit log, newest first, older pages by `before` (the previous page's `next`:
 * the id of its last row). Keyset pagination on the primary key, so a page costs the same deep in
 * the log and rows written meanwhile never shift a page.
 *
 * Reads: `audit_log` by its primary key backwards, or `audit_log_product_idx` for one product.
 * Takes no lock.
 */
export async function listAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
  page: { before?: string | undefined; limit?: number | undefined } = {},
): Promise<AuditPage> {
  if (page.before !== undefined && !/^[1-9][0-9]{0,17}$/.test(page.before))
    throw new StewardError<DbErrorCode>(
      'AUDIT_QUERY_INVALID',
      `before must be the "next" of an earlier page (a row id), got "${page.before.slice(0, 40)}"`,
    )
  const limit = Math.min(Math.max(page.limit ?? 50, 1), maxAuditPageSize)
  let query = db.selectFrom('audit_log').selectAll()
  if (page.before !== undefined) query = query.where('id', '<', page.before)
  if (filter.action) query = query.where('action', '=', filter.action)
  if (filter.actorKind) query = query.where('actor_kind', '=', filter.actorKind)
  if (filter.actor)
    query = query.where((eb) =>
      eb(eb.fn('strpos', [eb.fn('lower', ['actor']), eb.val(filter.actor?.toLowerCase())]), '>', 0),
    )
  if (filter.productId !== undefined) query = query.where('product_id', '=', filter.productId)
  if (filter.productIds) {
    if (filter.productIds.length === 0) return { rows: [], next: null }
    query = query.where('product_id', 'in', [...filter.productIds])
  }
  if (filter.since) query = query.where('at', '>=', filter.since)
  if (filter.until) query = query.where('at', '<', filter.until)
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
  const more = rows.length > limit
  if (more) rows.pop()
  return { rows, next: more ? (rows.at(-1)?.id ?? null) : null }
}
