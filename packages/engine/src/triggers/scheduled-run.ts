import { isStewardError } from '@steward/kernel'
import type { Pipeline } from '@steward/pipelines'
import { scheduledPartitions } from '@steward/pipelines'
import { enqueueSteps, type RuntimeQueue, type ScheduledRunJobData } from '../queue/runtime-queue.ts'
import { createRun } from '../runs/create-run.ts'
import type { Db } from '../store/db.ts'

/**
 * Handles a `scheduled-run` job (fired by a job scheduler, see `sync-schedules.ts`): creates a run
 * with trigger `schedule`. The BullMQ job id (`repeat:<scheduler>:<time>`) is the idempotency key,
 * so a job delivered twice makes one run. A pipeline removed since, or whose schedule is paused,
 * answers `undefined`.
 */
export async function processScheduledRunJob(
  db: Db,
  queue: RuntimeQueue,
  data: ScheduledRunJobData,
  job: { id?: string | undefined; timestamp: number },
  definition: Pipeline | undefined,
): Promise<string | undefined> {
  try {
    const pipeline = await db
      .selectFrom('pipelines')
      .select(['partitions', 'schedule_paused_at'])
      .where('id', '=', data.pipelineId)
      .executeTakeFirst()
    // Paused since this fire was queued (or by a deploy's sync racing with the pause): no run.
    if (pipeline?.schedule_paused_at) return undefined
    // What the schedule builds: the latest window complete at the scheduled time (yesterday for a
    // daily pipeline at 06:00), or every static key; nothing before the first window is complete.
    const keys: (string | undefined)[] = pipeline?.partitions
      ? scheduledPartitions(pipeline.partitions, new Date(job.timestamp)).map((p) => p.key)
      : [undefined]
    let firstRunId: string | undefined
    for (const key of keys) {
      const created = await createRun(db, {
        pipelineId: data.pipelineId,
        params: {},
        trigger: 'schedule',
        triggerDetail: { scheduledAt: new Date(job.timestamp).toISOString() },
        // Nobody waits on a scheduled run: a params problem shows as a failed run, not a lost one.
        skipParamsCheck: true,
        ...(key === undefined ? {} : { partitionKey: key }),
        idempotencyKey:
          key === undefined
            ? `schedule:${job.id ?? job.timestamp}`
            : `schedule:${job.id ?? job.timestamp}:${key}`,
        ...(definition ? { definition } : {}),
      })
      await enqueueSteps(queue, created.enqueue)
      firstRunId ??= created.runId
    }
    return firstRunId
  } catch (error) {
    if (
      isStewardError(error) &&
      (error.code === 'PIPELINE_NOT_FOUND' || error.code === 'PIPELINE_ARCHIVED')
    ) {
      return undefined
    }
    throw error
  }
}
