import { cancelBackfill } from '@steward/engine/control'
import type { z } from 'zod'
import { operateOnRecord } from '#server/api/record-route.ts'
import type { cancelledBackfillAnswer } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/backfills/:id/cancel (no body) cancels a backfill and its cascaded children: no
 * more of its runs start, and every run of it not yet ended is cancelled. 200
 * `{"backfillId","cancelledRuns":N,"url"}` (0 for a backfill that had ended); 404
 * `BACKFILL_NOT_FOUND`.
 */
export function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return operateOnRecord(request, context, 'backfill', async ({ db, queue, id }) => {
    const { cancelledRuns } = await cancelBackfill(db, id, { queue })
    await auditApi(request, 'backfill.cancel', { backfillId: id }, { cancelledRuns })
    const answer: z.input<typeof cancelledBackfillAnswer> = {
      backfillId: id,
      cancelledRuns,
      url: `/api/v1/backfills/${id}`,
    }
    return Response.json(answer, { headers: { 'Cache-Control': 'no-store' } })
  })
}
