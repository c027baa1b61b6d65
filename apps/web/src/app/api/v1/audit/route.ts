import { type AuditRow, listAudit } from '@steward/db'
import { callerProducts } from '#server/api/api-caller.ts'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseAuditQuery } from '#server/audit/audit-query.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /api/v1/audit?action=run.cancel&actorKind=token&actor=ci&product=shop&since=2026-12-01&until=…&limit=50&before=…
 * (read scope) → `{"entries":[{"id","at","actor":{"kind","name","via","source"},"action",
 * "target":{"kind","id"},"productId","details"}],"next":"…"|null}`: every action that changed
 * something, newest first; pass `next` as `before` for the next page. A token limited to products
 * sees only their rows. 400 names the parameter that is wrong.
 */
export async function GET(request: Request): Promise<Response> {
  const refused = await authorizeApi(request, 'read', 'filtered')
  if (refused) return refused
  const params = new URL(request.url).searchParams
  const parsed = parseAuditQuery((name) => params.get(name) ?? undefined)
  if (!parsed.ok) return apiError(400, 'QUERY_INVALID', parsed.message)
  const { filter, before, limit } = parsed.query
  try {
    const { db } = await getDb()
    const page = await listAudit(db, { ...filter, productIds: callerProducts(request) }, { before, limit })
    return Response.json(
      { entries: page.rows.map(entryOf), next: page.next },
      { headers: { 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}

function entryOf(row: AuditRow) {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, name: row.actor, via: row.via, source: row.source },
    action: row.action,
    target: { kind: row.target_kind, id: row.target_id },
    productId: row.product_id,
    details: row.details,
  }
}
