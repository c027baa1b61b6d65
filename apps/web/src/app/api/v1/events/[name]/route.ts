import { emitEvent } from '@steward/engine/control'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseBody } from '#server/api/parse-input.ts'
import { refusePathId } from '#server/api/path-id.ts'
import { readJsonBody } from '#server/api/read-json-body.ts'
import { emitEventBody } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'
import { getQueue } from '#server/runs/queue.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/events/:name with `{"params":{…},"id":"…"}` starts a run of every pipeline that
 * listens to the event (`onEvent({ name })`). 202 `{"runs":[{"pipelineId","runId","created"}]}`;
 * 400 when a param is wrong for a listener (nothing starts); 404 when no pipeline listens. `id`
 * makes delivery idempotent: the same id again starts nothing new.
 */
export async function POST(
  request: Request,
  context: { params: Promise<{ name: string }> },
): Promise<Response> {
  const { name } = await context.params
  const badPath = refusePathId(name, 'event')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'operate', { eventName: name })
  if (refused) return refused
  const body = await readJsonBody(request, '{"params":{…},"id":"…"}')
  if (!body.ok) return body.response
  const input = parseBody(emitEventBody, body.value)
  if (!input.ok) return input.response
  const { params, id: eventId } = input.value
  try {
    const { db } = await getDb()
    const { runs } = await emitEvent(db, await getQueue(), {
      name,
      params: params ?? {},
      ...(eventId === undefined ? {} : { eventId }),
      detail: { via: 'api' },
    })
    if (runs.length > 0) await auditApi(request, 'event.emit', { eventName: name }, { runs, eventId })
    if (runs.length === 0)
      return apiError(404, 'NO_LISTENER', `no deployed pipeline listens to the event "${name}"`)
    return Response.json({ runs }, { status: 202, headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
