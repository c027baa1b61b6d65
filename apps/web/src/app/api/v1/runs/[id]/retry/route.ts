import { retryRun } from '@steward/engine/control'
import type { z } from 'zod'
import { operateOnRecord } from '#server/api/record-route.ts'
import type { retriedRunAnswer } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/runs/:id/retry (no body) retries a failed or cancelled run from its failed steps: a
 * new run of the same params whose unchanged succeeded steps keep their outputs. 201
 * `{"runId","retryOf","reused":[…],"rerun":[…],"url"}`; 404 `RUN_NOT_FOUND`; 409
 * `RUN_NOT_RETRYABLE` (the run did not fail), `PIPELINE_BUSY` (no free maxConcurrentRuns slot),
 * `PIPELINE_ARCHIVED` (removed from code).
 */
export function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return operateOnRecord(request, context, 'run', async ({ db, queue, id }) => {
    const retried = await retryRun(db, queue, id, { triggerDetail: { via: 'api' } })
    await auditApi(request, 'run.retry', { runId: retried.runId }, { retryOf: id })
    const url = `/api/v1/runs/${retried.runId}`
    const answer: z.input<typeof retriedRunAnswer> = {
      runId: retried.runId,
      retryOf: id,
      reused: retried.reused,
      rerun: retried.rerun,
      url,
    }
    return Response.json(answer, { status: 201, headers: { Location: url, 'Cache-Control': 'no-store' } })
  })
}
