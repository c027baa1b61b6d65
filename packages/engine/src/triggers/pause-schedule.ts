import { StewardError } from '@steward/kernel'
import type { RuntimeErrorCode } from '../errors.ts'
import type { RuntimeQueue } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'
import { scheduleId, upsertSchedule } from './sync-schedules.ts'

export interface ScheduleState {
  pipelineId: string
  cron: string
  timezone: string
  /** Set while paused. */
  pausedAt: Date | null
  pausedBy: string | null
}

/**
 * Pauses a pipeline's schedule: its fires start no run until it is resumed, and the health check
 * does not count them as missed. Stored in SQL (`pipelines.schedule_paused_at`, which deploy never
 * writes, so it holds across deploys); the job scheduler is removed from the queue now, and the
 * reconciler keeps it away (`repairSchedules` wants only unpaused schedules). A fire already in the
 * queue is dropped by the worker (`processScheduledRunJob` reads the pause). Pausing a paused
 * schedule changes nothing. Throws `PIPELINE_NOT_FOUND` for an unknown or archived pipeline and
 * `SCHEDULE_NOT_FOUND` for one without a schedule.
 *
 * @example
 * await pauseSchedule(db, queue, 'signup-funnel.build', { by: 'ana@example.com' })
 */
export async function pauseSchedule(
  db: Db,
  queue: RuntimeQueue,
  pipelineId: string,
  options: { by: string },
): Promise<ScheduleState> {
  await scheduledPipeline(db, pipelineId)
  await db
    .updateTable('pipelines')
    .set((eb) => ({
      schedule_paused_at: eb.fn('now'),
      schedule_paused_by: options.by,
      schedule_changed_at: eb.fn('now'),
    }))
    .where('id', '=', pipelineId)
    .where('schedule_paused_at', 'is', null)
    .execute()
  await queue.removeJobScheduler(scheduleId(pipelineId))
  return scheduledPipeline(db, pipelineId)
}

/**
 * Resumes a paused schedule: its job scheduler is back in the queue now, and it fires from its
 * next fire time on (missed fires are not made up). Resuming a running schedule changes nothing.
 * Throws as `pauseSchedule` does.
 */
export async function resumeSchedule(
  db: Db,
  queue: RuntimeQueue,
  pipelineId: string,
): Promise<ScheduleState> {
  await scheduledPipeline(db, pipelineId)
  await db
    .updateTable('pipelines')
    .set((eb) => ({ schedule_paused_at: null, schedule_paused_by: null, schedule_changed_at: eb.fn('now') }))
    .where('id', '=', pipelineId)
    .where('schedule_paused_at', 'is not', null)
    .execute()
  const state = await scheduledPipeline(db, pipelineId)
  // Read back after the write: a pause that raced in wins, and the reconciler agrees with it.
  if (state.pausedAt === null) {
    await upsertSchedule(queue, { pipelineId, cron: state.cron, timezone: state.timezone })
  }
  return state
}

/** The schedule of a live pipeline, or a one-line error naming the pipeline. */
export async function scheduledPipeline(db: Db, pipelineId: string): Promise<ScheduleState> {
  const row = await db
    .selectFrom('pipelines')
    .select([
      'id',
      'schedule_cron',
      'schedule_timezone',
      'schedule_paused_at',
      'schedule_paused_by',
      'archived_at',
    ])
    .where('id', '=', pipelineId)
    .executeTakeFirst()
  if (!row || row.archived_at !== null) {
    throw new StewardError<RuntimeErrorCode>(
      'PIPELINE_NOT_FOUND',
      `no pipeline "${pipelineId}" in the deployed catalog${row ? ' (it was removed from code)' : ''}`,
    )
  }
  if (row.schedule_cron === null || row.schedule_timezone === null) {
    throw new StewardError<RuntimeErrorCode>(
      'SCHEDULE_NOT_FOUND',
      `pipeline "${pipelineId}" has no schedule to pause or resume (its definition sets no \`schedule\`)`,
    )
  }
  return {
    pipelineId: row.id,
    cron: row.schedule_cron,
    timezone: row.schedule_timezone,
    pausedAt: row.schedule_paused_at,
    pausedBy: row.schedule_paused_by,
  }
}
