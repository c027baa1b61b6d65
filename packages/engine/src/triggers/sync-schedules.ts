import type { ScheduleSpec } from '../deploy/deploy-catalog.ts'
import { type RuntimeQueue, type ScheduledRunJobData, scheduledRunJobName } from '../queue/runtime-queue.ts'

/** Job scheduler id of a pipeline's schedule. */
export function scheduleId(pipelineId: string): string {
  return `schedule.${pipelineId}`
}

export interface SyncedSchedules {
  upserted: string[]
  removed: string[]
}

/**
 * Makes BullMQ's job schedulers equal to `schedules` (deploy's `result.schedules`): upserts one
 * scheduler per pipeline (cron read in its time zone) and removes every other scheduler on the
 * queue, so a pipeline removed from code, or whose schedule was removed, stops firing. Each firing
 * adds a `scheduled-run` job; a worker turns it into a run (trigger `schedule`).
 *
 * @example
 * const result = await deployCatalog(db, compileCatalog(project))
 * await syncSchedules(queue, result.schedules)
 */
export async function syncSchedules(
  queue: RuntimeQueue,
  schedules: readonly ScheduleSpec[],
): Promise<SyncedSchedules> {
  const wanted = new Set<string>()
  for (const schedule of schedules) {
    wanted.add(await upsertSchedule(queue, schedule))
  }
  const removed: string[] = []
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    const id = scheduler.id ?? scheduler.key
    if (!wanted.has(id)) {
      await queue.removeJobScheduler(id)
      removed.push(id)
    }
  }
  return { upserted: [...wanted], removed: removed.sort() }
}

/** Creates or updates the job scheduler of one pipeline's schedule; answers its id. */
export async function upsertSchedule(queue: RuntimeQueue, schedule: ScheduleSpec): Promise<string> {
  const id = scheduleId(schedule.pipelineId)
  const data: ScheduledRunJobData = { pipelineId: schedule.pipelineId }
  await queue.upsertJobScheduler(
    id,
    { pattern: schedule.cron, tz: schedule.timezone },
    { name: scheduledRunJobName, data, opts: { removeOnComplete: true, removeOnFail: 100 } },
  )
  return id
}
