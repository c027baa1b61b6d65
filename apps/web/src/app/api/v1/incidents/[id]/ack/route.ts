import { ackIncident } from '@steward/alerts'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseBody } from '#server/api/parse-input.ts'
import { refusePathId, uuid } from '#server/api/path-id.ts'
import { readJsonBody } from '#server/api/read-json-body.ts'
import { ackIncidentBody } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

/** POST /api/v1/incidents/:id/ack `{ "by": "ana" }` → the incident acknowledged: no more reminders. */
export async function POST(
  request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'incident')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'operate', uuid.test(id) ? { incidentId: id } : undefined)
  if (refused) return refused
  const body = await readJsonBody(request, '{ "by": "who acknowledges" }')
  if (!body.ok) return body.response
  const input = parseBody(ackIncidentBody, body.value)
  if (!input.ok) return input.response
  const by = input.value.by?.trim() || 'the web UI'
  if (!uuid.test(id)) return apiError(404, 'INCIDENT_NOT_FOUND', `no open incident ${id}`)
  try {
    const { db } = await getDb()
    const incident = await ackIncident(db, id, by)
    if (!incident) return apiError(404, 'INCIDENT_NOT_FOUND', `no open incident ${id}`)
    await auditApi(request, 'incident.ack', { incidentId: id }, { by })
    return Response.json({ id, ackedAt: incident.acked_at, ackedBy: incident.acked_by })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
