import { getRunSnapshot } from '@steward/engine/control'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { refusePathId, uuid } from '#server/api/path-id.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /api/v1/runs/:id → the run's status, params, error, cost and timings, and each step's
 * status, attempts, output and error with its timings. 404 for an unknown id.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'run')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'read', { runId: id })
  if (refused) return refused
  if (!uuid.test(id)) return apiError(404, 'RUN_NOT_FOUND', `no run ${id}`)
  try {
    const { db } = await getDb()
    const snapshot = await getRunSnapshot(db, id)
    if (!snapshot) return apiError(404, 'RUN_NOT_FOUND', `no run ${id}`)
    const { run, steps } = snapshot
    return Response.json(
      {
        id: run.id,
        pipelineId: run.pipeline_id,
        productId: run.product_id,
        pipelineVersion: run.pipeline_version,
        status: run.status,
        trigger: run.trigger,
        params: run.params,
        error: run.error,
        costUsd: run.cost_usd === null ? null : Number(run.cost_usd),
        createdAt: run.created_at,
        startedAt: run.started_at,
        finishedAt: run.finished_at,
        durationMs:
          run.started_at && run.finished_at ? run.finished_at.getTime() - run.started_at.getTime() : null,
        steps: steps.map((step) => ({
          id: step.step_id,
          status: step.status,
          needs: step.needs,
          attempts: step.attempt_count,
          maxAttempts: step.max_attempts,
          output: step.output,
          error: step.error,
          queuedAt: step.queued_at,
          startedAt: step.started_at,
          finishedAt: step.finished_at,
        })),
      },
      { headers: { 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}
