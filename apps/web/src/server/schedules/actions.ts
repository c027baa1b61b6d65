'use server'

import { pauseSchedule, resumeSchedule } from '@steward/engine/control'
import { isStewardError } from '@steward/kernel'
import type { Route } from 'next'
import { redirect, unstable_rethrow } from 'next/navigation'
import { auditUi } from '../audit/audit-web.ts'
import { authorizeOperation } from '../auth/authorize.ts'
import { getDb } from '../db.ts'
import { getQueue } from '../runs/queue.ts'

/*
 * The pipeline page's Pause / Resume buttons, as server actions (same CSRF protection as the run
 * actions: Next.js refuses a server action from another origin). Owners of the product and admins
 * may use them, as they may start a run.
 */

export async function pauseScheduleAction(pipelineId: string): Promise<void> {
  await changeSchedule(pipelineId, 'pause')
}

export async function resumeScheduleAction(pipelineId: string): Promise<void> {
  await changeSchedule(pipelineId, 'resume')
}

async function changeSchedule(pipelineId: string, change: 'pause' | 'resume'): Promise<void> {
  const page = `/pipelines/${encodeURIComponent(pipelineId)}`
  let problem: string | undefined
  try {
    const { db } = await getDb()
    const allowed = await authorizeOperation(db, { pipelineId })
    if (!allowed.ok) redirect(`${page}?problem=FORBIDDEN` as Route)
    const queue = await getQueue()
    if (change === 'pause')
      await pauseSchedule(db, queue, pipelineId, { by: allowed.viewer.email ?? allowed.viewer.name })
    else await resumeSchedule(db, queue, pipelineId)
    await auditUi(allowed.viewer, change === 'pause' ? 'schedule.pause' : 'schedule.resume', { pipelineId })
  } catch (error) {
    unstable_rethrow(error)
    if (isStewardError(error) && ['PIPELINE_NOT_FOUND', 'SCHEDULE_NOT_FOUND'].includes(error.code)) {
      problem = error.code
    } else {
      console.error(`[steward web] ${change} of the schedule of ${pipelineId} failed`, error)
      problem = 'SCHEDULE_CHANGE_FAILED'
    }
  }
  redirect(`${page}${problem ? `?problem=${problem}` : ''}` as Route)
}
