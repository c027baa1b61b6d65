import { startRun } from '@steward/engine/control'
import { apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseBody } from '#server/api/parse-input.ts'
import { refusePathId } from '#server/api/path-id.ts'
import { readJsonBody } from '#server/api/read-json-body.ts'
import { startRunBody } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'
import { getQueue } from '#server/runs/queue.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/pipelines/:id/runs with `{"params":{…},"partition":"2026-11-02"}` (both optional) starts a manual run.
 * 201 `{"runId":"…","status":"queued","admitted":true,"url":"/api/v1/runs/…"}`;
 * 400 when the body or a param is wrong (the field is named); 404 for an unknown pipeline.
 * The run exists in SQL before its first job reaches Redis, so a queue hiccup loses nothing.
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
  const body = await readJsonBody(request, '{"params":{…}}')
  if (!body.ok) return body.response
  const input = parseBody(startRunBody, body.value)
  if (!input.ok) return input.response
  const { params, partition } = input.value
  try {
    const { db } = await getDb()
    const run = await startRun(db, await getQueue(), {
      pipelineId: id,
      params: params ?? {},
      trigger: 'manual',
      triggerDetail: { via: 'api' },
      ...(partition === undefined ? {} : { partitionKey: partition }),
    })
    await auditApi(request, 'run.start', { runId: run.runId }, { pipelineId: id, params, partition })
    return Response.json(
      { runId: run.runId, status: 'queued', admitted: run.admitted, url: `/api/v1/runs/${run.runId}` },
      { status: 201, headers: { Location: `/api/v1/runs/${run.runId}`, 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}
