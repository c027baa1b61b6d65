import { cancelRun } from '@steward/engine/control'
import type { z } from 'zod'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { refusePathId, uuid } from '#server/api/path-id.ts'
import type { cancelledRunAnswer } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'
import { getQueue } from '#server/runs/queue.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/runs/:id/cancel (no body) cancels a run: its pending and queued steps at once, its
 * running steps within a heartbeat (their `ctx.signal` aborts). 200 `{"runId","status","url"}`:
 * `cancelled`, or `running` until its running steps stop; a run that already ended keeps its
 * status. 404 `RUN_NOT_FOUND` for an unknown run.
 */
export async function POST(
  request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'run')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'operate', uuid.test(id) ? { runId: id } : undefined)
  if (refused) return refused
  if (!uuid.test(id)) return apiError(404, 'RUN_NOT_FOUND', `no run ${id}`)
  try {
    const { db } = await getDb()
    const { status, alreadyEnded } = await cancelRun(db, id, { queue: await getQueue() })
    if (!alreadyEnded) await auditApi(request, 'run.cancel', { runId: id })
    const answer: z.input<typeof cancelledRunAnswer> = {
      runId: id,
      status,
      alreadyEnded,
      url: `/api/v1/runs/${id}`,
    }
    return Response.json(answer, { headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
