import { cancelRun } from '@steward/engine/control'
import type { z } from 'zod'
import { operateOnRecord } from '#server/api/record-route.ts'
import type { cancelledRunAnswer } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/runs/:id/cancel (no body) cancels a run: its pending and queued steps at once, its
 * running steps within a heartbeat (their `ctx.signal` aborts). 200 `{"runId","status","url"}`:
 * `cancelled`, or `running` until its running steps stop; a run that already ended keeps its
 * status. 404 `RUN_NOT_FOUND` for an unknown run.
 */
export function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return operateOnRecord(request, context, 'run', async ({ db, queue, id }) => {
    const { status, alreadyEnded } = await cancelRun(db, id, { queue })
    if (!alreadyEnded) await auditApi(request, 'run.cancel', { runId: id })
    const answer: z.input<typeof cancelledRunAnswer> = {
      runId: id,
      status,
      alreadyEnded,
      url: `/api/v1/runs/${id}`,
    }
    return Response.json(answer, { headers: { 'Cache-Control': 'no-store' } })
  })
}
