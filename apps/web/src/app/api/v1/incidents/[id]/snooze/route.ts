import { snoozeIncident } from '@steward/alerts'
import { durationMs } from '@steward/kernel'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseBody } from '#server/api/parse-input.ts'
import { refusePathId, uuid } from '#server/api/path-id.ts'
import { readJsonBody } from '#server/api/read-json-body.ts'
import { snoozeIncidentBody } from '#server/api/schemas.ts'
import { auditApi } from '#server/audit/audit-web.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

const shape = '{ "for": "2h" } or { "until": "2026-12-01T09:00:00Z" }, with an optional "by"'

/** POST /api/v1/incidents/:id/snooze → no follow-ups or reminders until then; resolution still shows. */
export async function POST(
  request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'incident')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'operate', uuid.test(id) ? { incidentId: id } : undefined)
  if (refused) return refused
  const body = await readJsonBody(request, shape)
  if (!body.ok) return body.response
  const input = parseBody(snoozeIncidentBody, body.value)
  if (!input.ok) return input.response
  const { for: length, until, by } = input.value
  const ms = length === undefined ? undefined : durationMs(length)
  const at =
    typeof until === 'string' ? new Date(until) : ms !== undefined ? new Date(Date.now() + ms) : undefined
  if (!at || Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) {
    return apiError(400, 'BODY_INVALID', `say how long to snooze: ${shape}`)
  }
  if (!uuid.test(id)) return apiError(404, 'INCIDENT_NOT_FOUND', `no open incident ${id}`)
  try {
    const { db } = await getDb()
    const who = by?.trim() || 'the web UI'
    const incident = await snoozeIncident(db, id, at, who)
    if (!incident) return apiError(404, 'INCIDENT_NOT_FOUND', `no open incident ${id}`)
    await auditApi(request, 'incident.snooze', { incidentId: id }, { until: at.toISOString(), by: who })
    return Response.json({ id, snoozedUntil: incident.snoozed_until, snoozedBy: incident.snoozed_by })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
