import { startRun } from '@steward/pipelines/runtime'
import { getDb } from '../../../../../../server/db.ts'
import { apiError, apiErrorFrom } from '../../../../../../server/runs/api-error.ts'
import { getQueue } from '../../../../../../server/runs/queue.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/pipelines/:id/runs with `{"params":{…}}` (optional) starts a manual run.
 * 201 `{"runId":"…","status":"queued","admitted":true,"url":"/api/v1/runs/…"}`;
 * 400 when the body or a param is wrong (the field is named); 404 for an unknown pipeline.
 * The run exists in SQL before its first job reaches Redis, so a queue hiccup loses nothing.
 */
export async function POST(
  request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await context.params
  const body = await readBody(request)
  if (!body.ok) return apiError(400, 'BODY_INVALID', body.message)
  try {
    const { db } = await getDb()
    const run = await startRun(db, getQueue(), {
      pipelineId: id,
      params: body.params,
      trigger: 'manual',
      triggerDetail: { via: 'api' },
    })
    return Response.json(
      { runId: run.runId, status: 'queued', admitted: run.admitted, url: `/api/v1/runs/${run.runId}` },
      { status: 201, headers: { Location: `/api/v1/runs/${run.runId}`, 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}

type Body = { ok: true; params: Record<string, unknown> } | { ok: false; message: string }

async function readBody(request: Request): Promise<Body> {
  const text = await request.text()
  if (text.trim() === '') return { ok: true, params: {} }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { ok: false, message: 'the body is not JSON: send {"params":{…}} or nothing' }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'the body must be a JSON object: {"params":{…}}' }
  }
  const params = (parsed as { params?: unknown }).params ?? {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return { ok: false, message: 'params must be a JSON object' }
  }
  return { ok: true, params: params as Record<string, unknown> }
}
