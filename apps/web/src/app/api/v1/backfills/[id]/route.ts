import { getBackfillProgress } from '@steward/engine/control'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { refusePathId, uuid } from '#server/api/path-id.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /api/v1/backfills/:id answers a backfill's progress: `{"id","pipelineId","status","mode",
 * "concurrency","total","succeeded","failed","cancelled","running","queued","done"}`.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'backfill')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'read', { backfillId: id })
  if (refused) return refused
  if (!uuid.test(id)) return apiError(404, 'BACKFILL_NOT_FOUND', `no backfill ${id}`)
  try {
    const { db } = await getDb()
    const { backfill, ...counts } = await getBackfillProgress(db, id)
    return Response.json(
      {
        id: backfill.id,
        pipelineId: backfill.pipeline_id,
        status: backfill.status,
        mode: backfill.mode,
        concurrency: backfill.concurrency,
        from: backfill.range_from,
        to: backfill.range_to,
        createdAt: backfill.created_at,
        finishedAt: backfill.finished_at,
        ...counts,
      },
      { headers: { 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}
