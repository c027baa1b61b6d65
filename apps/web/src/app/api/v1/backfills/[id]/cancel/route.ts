import { cancelBackfill } from '@steward/engine/control'
import type { z } from 'zod'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { refusePathId, uuid } from '#server/api/path-id.ts'
import type { cancelledBackfillAnswer } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'
import { getQueue } from '#server/runs/queue.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/backfills/:id/cancel (no body) cancels a backfill and its cascaded children: no
 * more of its runs start, and every run of it not yet ended is cancelled. 200
 * `{"backfillId","cancelledRuns":N,"url"}` (0 for a backfill that had ended); 404
 * `BACKFILL_NOT_FOUND`.
 */
export async function POST(
  request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'backfill')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'operate', uuid.test(id) ? { backfillId: id } : undefined)
  if (refused) return refused
  if (!uuid.test(id)) return apiError(404, 'BACKFILL_NOT_FOUND', `no backfill ${id}`)
  try {
    const { db } = await getDb()
    const { cancelledRuns } = await cancelBackfill(db, id, { queue: await getQueue() })
    await auditApi(request, 'backfill.cancel', { backfillId: id }, { cancelledRuns })
    const answer: z.input<typeof cancelledBackfillAnswer> = {
      backfillId: id,
      cancelledRuns,
      url: `/api/v1/backfills/${id}`,
    }
    return Response.json(answer, { headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
