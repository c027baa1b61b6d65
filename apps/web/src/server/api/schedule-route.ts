import { pauseSchedule, resumeSchedule } from '@steward/engine/control'
import { auditApi } from '../audit/audit-web.ts'
import { getDb } from '../db.ts'
import { getQueue } from '../runs/queue.ts'
import { apiErrorFrom } from './api-error.ts'
import { authorizeApi } from './authorize-api.ts'
import { refusePathId } from './path-id.ts'

/**
 * POST /api/v1/pipelines/:id/schedule/pause | resume (no body), with the auth of starting a run.
 * 200 `{"pipelineId":"…","paused":true,"pausedAt":"…","pausedBy":"api"}`; 404 for an unknown
 * pipeline (`PIPELINE_NOT_FOUND`) or one without a schedule (`SCHEDULE_NOT_FOUND`). Pausing a
 * paused schedule (resuming a running one) answers its state and changes nothing.
 */
export async function changeScheduleRoute(
  request: Request,
  context: { params: Promise<{ id: string }> },
  change: 'pause' | 'resume',
): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'pipeline')
  if (badPath) return badPath
  const refused = await authorizeApi(request, 'operate', { pipelineId: id })
  if (refused) return refused
  try {
    const { db } = await getDb()
    const queue = await getQueue()
    const state =
      change === 'pause'
        ? await pauseSchedule(db, queue, id, { by: 'api' })
        : await resumeSchedule(db, queue, id)
    await auditApi(request, change === 'pause' ? 'schedule.pause' : 'schedule.resume', { pipelineId: id })
    return Response.json(
      {
        pipelineId: state.pipelineId,
        paused: state.pausedAt !== null,
        pausedAt: state.pausedAt?.toISOString() ?? null,
        pausedBy: state.pausedBy,
      },
      { headers: { 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}
