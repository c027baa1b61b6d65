import { isStewardError } from '@steward/db'
import type { Pipeline } from '../definitions/pipeline.ts'
import { createRun } from './create-run.ts'
import type { Db } from './db.ts'
import { enqueueSteps, type RuntimeQueue, type ScheduledRunJobData } from './queues.ts'

/**
 * Handles a `scheduled-run` job (fired by a job scheduler, see `sync-schedules.ts`): creates a run
 * with trigger `schedule`. The BullMQ job id (`repeat:<scheduler>:<time>`) is the idempotency key,
 * so a job delivered twice makes one run. A pipeline removed since answers `undefined`.
 */
export async function processScheduledRunJob(
  db: Db,
  queue: RuntimeQueue,
  data: ScheduledRunJobData,
  job: { id?: string | undefined; timestamp: number },
  definition: Pipeline | undefined,
): Promise<string | undefined> {
  try {
    const created = await createRun(db, {
      pipelineId: data.pipelineId,
      params: {},
      trigger: 'schedule',
      triggerDetail: { scheduledAt: new Date(job.timestamp).toISOString() },
      // Nobody waits on a scheduled run: a params problem shows as a failed run, not a lost one.
      skipParamsCheck: true,
      idempotencyKey: `schedule:${job.id ?? job.timestamp}`,
      ...(definition ? { definition } : {}),
    })
    await enqueueSteps(queue, created.enqueue)
    return created.runId
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
