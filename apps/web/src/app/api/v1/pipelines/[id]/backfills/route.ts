import { startBackfill } from '@steward/engine/control'
import { apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseBody } from '#server/api/parse-input.ts'
import { refusePathId } from '#server/api/path-id.ts'
import { readJsonBody } from '#server/api/read-json-body.ts'
import { startBackfillBody } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'
import { getQueue } from '#server/runs/queue.ts'

export const dynamic = 'force-dynamic'

const shape =
  '{"from":"2026-10-01","to":"2026-10-31","mode":"all|only-failed|only-missing","concurrency":4,"withDownstream":false}'

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
  const input = parseBody(startBackfillBody, body.value)
  if (!input.ok) return input.response
  const { from, to, mode, concurrency, withDownstream } = input.value
  try {
    const { db } = await getDb()
    const created = await startBackfill(db, await getQueue(), {
      pipelineId: id,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      mode,
      concurrency,
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
