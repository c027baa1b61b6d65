import type { BackfillMode } from '@steward/db'
import { startBackfill } from '@steward/engine/control'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { refusePathId } from '#server/api/path-id.ts'
import { readJsonBody } from '#server/api/read-json-body.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'
import { getQueue } from '#server/runs/queue.ts'

export const dynamic = 'force-dynamic'

const shape =
  '{"from":"2026-10-01","to":"2026-10-31","mode":"all|only-failed|only-missing","concurrency":4,"withDownstream":false}'
const modes: readonly BackfillMode[] = ['all', 'only-failed', 'only-missing']

/**
 * POST /api/v1/pipelines/:id/backfills starts a backfill: one run per partition from `from` to `to`
 * (both included; a static scheme may leave both out for every key), `concurrency` at a time.
 * 201 `{"backfillId":"…","partitions":["2026-10-01",…],"url":"/api/v1/backfills/…"}`; 400 names
 * the field that is wrong; 404 for an unknown pipeline.
 */
export async function POST(
  request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'pipeline')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'operate', { pipelineId: id })
  if (refused) return refused
  const body = await readJsonBody(request, shape)
  if (!body.ok) return body.response
  const { from, to, mode = 'all', concurrency = 4, withDownstream = false } = body.value
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && typeof value !== 'string')
      return apiError(400, 'BODY_INVALID', `${field} must be a partition key string, e.g. "2026-10-01"`)
  }
  if (!modes.includes(mode as BackfillMode))
    return apiError(400, 'BODY_INVALID', `mode must be one of ${modes.join(', ')}`)
  if (!Number.isInteger(concurrency) || (concurrency as number) < 1)
    return apiError(400, 'BODY_INVALID', 'concurrency must be a whole number above 0')
  if (typeof withDownstream !== 'boolean')
    return apiError(400, 'BODY_INVALID', 'withDownstream must be true or false')
  try {
    const { db } = await getDb()
    const created = await startBackfill(db, await getQueue(), {
      pipelineId: id,
      ...(typeof from === 'string' ? { from } : {}),
      ...(typeof to === 'string' ? { to } : {}),
      mode: mode as BackfillMode,
      concurrency: concurrency as number,
      withDownstream,
    })
    await auditApi(
      request,
      'backfill.start',
      { backfillId: created.backfillId },
      { pipelineId: id, ...body.value },
    )
    const url = `/api/v1/backfills/${created.backfillId}`
    return Response.json(
      { backfillId: created.backfillId, partitions: created.partitions, url },
      { status: 201, headers: { Location: url, 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}
