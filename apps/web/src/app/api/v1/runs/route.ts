import { decodeRunCursor, encodeRunCursor, listRuns } from '@steward/engine/control'
import type { z } from 'zod'
import { callerProducts } from '#server/api/api-caller.ts'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseQuery } from '#server/api/parse-input.ts'
import { listRunsQuery, type runPageAnswer } from '#server/api/schemas.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /api/v1/runs?pipeline=&product=&status=failed,cancelled&from=&to=&limit=50&cursor= lists runs
 * newest first: `{"runs":[{"id","pipelineId","status",…,"url"}],"nextCursor":"…"|null}`. Follow
 * `nextCursor` for the next page: each run comes once, in the same order, however many start
 * meanwhile. 400 names the parameter that is wrong. A token limited to products lists only theirs.
 */
export async function GET(request: Request): Promise<Response> {
  const refused = await authorizeApi(request, 'read', 'filtered')
  if (refused) return refused
  const query = parseQuery(listRunsQuery, request, ['status'])
  if (!query.ok) return query.response
  const { pipeline, product, status, from, to, limit, cursor } = query.value
  const after = cursor === undefined ? undefined : decodeRunCursor(cursor)
  if (cursor !== undefined && !after)
    return apiError(
      400,
      'QUERY_INVALID',
      '?cursor: is not a cursor this API gave: pass nextCursor as it came',
    )
  const visible = callerProducts(request)
  try {
    const { db } = await getDb()
    const page = await listRuns(db, {
      limit,
      ...(pipeline === undefined ? {} : { pipelineId: pipeline }),
      ...(product === undefined ? {} : { productId: product }),
      ...(visible === null ? {} : { productIds: visible }),
      ...(status === undefined ? {} : { statuses: status }),
      ...(from === undefined ? {} : { createdFrom: new Date(from) }),
      ...(to === undefined ? {} : { createdBefore: new Date(to) }),
      ...(after ? { after } : {}),
    })
    const answer: z.input<typeof runPageAnswer> = {
      runs: page.runs.map((run) => ({
        id: run.id,
        pipelineId: run.pipelineId,
        productId: run.productId,
        pipelineVersion: run.pipelineVersion,
        status: run.status,
        trigger: run.trigger,
        partition: run.partitionKey,
        backfillId: run.backfillId,
        error: run.error,
        costUsd: run.costUsd,
        createdAt: run.createdAt.toISOString(),
        startedAt: run.startedAt?.toISOString() ?? null,
        finishedAt: run.finishedAt?.toISOString() ?? null,
        url: `/api/v1/runs/${run.id}`,
      })),
      nextCursor: page.next ? encodeRunCursor(page.next) : null,
    }
    return Response.json(answer, { headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
