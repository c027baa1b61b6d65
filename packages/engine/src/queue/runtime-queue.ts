import {
  defaultQueuePrefix,
  type JobsOptions,
  openQueue,
  type QueueTarget,
  queueBackendOf,
  type StewardQueue,
} from '@steward/queue'

/**
 * The engine's queue: one queue, two kinds of job, on Redis or on BullMQ's PostgreSQL backend
 * (`@steward/queue`).
 *
 * On Redis, keys live under a hash-tagged prefix (`{steward}`) so that every key of the queue
 * hashes to one Redis Cluster slot, which BullMQ's Lua scripts need. On PostgreSQL the prefix
 * names the schema instead (`{steward}` → `steward_queue`).
 *
 * Job contract (the payload is the whole protocol between whoever enqueues and the worker):
 * - name `step`, data `StepJobData` `{ runId, stepRunId, stepId, pipelineId, attempt }`, id
 *   `<runId>.<stepId>.<attempt>`. Deterministic, so enqueueing the same attempt twice (after a
 *   commit, and again from the reconciler) adds one job. Not `:`-separated as DESIGN.md sketched:
 *   BullMQ 6 rejects custom ids containing `:` (they are reserved for its scheduler's job ids).
 *   The attempt is part of the id so a retry is a new job even while the job of the failed attempt
 *   is still finishing in Redis. The worker trusts nothing in it but ids: SQL says what to do.
 * - name `scheduled-run`, data `ScheduledRunJobData` `{ pipelineId }`, added by the job scheduler
 *   `schedule.<pipelineId>` (see `sync-schedules.ts`); the worker creates a run for it.
 */
export const defaultQueueName = 'steps'

export const stepJobName = 'step'
export const scheduledRunJobName = 'scheduled-run'

export interface StepJobData {
  runId: string
  stepRunId: string
  stepId: string
  pipelineId: string
  /** The attempt this job is for (1 for the first try); the worker runs it only if SQL agrees. */
  attempt: number
}

export interface ScheduledRunJobData {
  pipelineId: string
}

export type RuntimeJobData = StepJobData | ScheduledRunJobData

export type RuntimeQueue = StewardQueue<RuntimeJobData>

/** A step run SQL has marked `queued`, to hand to BullMQ after the transaction commits. */
export interface StepToEnqueue extends StepJobData {
  /** Wait this long before the job becomes available (a retry's backoff). */
  delayMs: number
}

export type QueueSettings = QueueTarget & {
  /** Key prefix (Redis) or schema name source (PostgreSQL); keep it hash-tagged (`{…}`). Default `{steward}`. */
  prefix?: string
  /** Queue name. Default `steps`. */
  name?: string
}

export function stepJobId(step: { runId: string; stepId: string; attempt: number }): string {
  return `${step.runId}.${step.stepId}.${step.attempt}`
}

/**
 * Opens the runtime's queue for adding jobs (API, CLI, reconciler). Close it with `queue.close()`.
 *
 * @example
 * const queue = openRuntimeQueue({ backend: { kind: 'postgres', url: databaseUrl } })
 * await startRun(db, queue, { pipelineId: 'signup-funnel.build', params: {}, trigger: 'manual' })
 * await queue.close()
 */
export function openRuntimeQueue(settings: QueueSettings): RuntimeQueue {
  return openQueue<RuntimeJobData>(
    queueBackendOf(settings),
    settings.name ?? defaultQueueName,
    settings.prefix ?? defaultQueuePrefix,
  )
}

/** Job options of a step job: removed once done, never retried by BullMQ (SQL decides retries). */
export function stepJobOptions(step: StepToEnqueue): JobsOptions {
  return {
    jobId: stepJobId(step),
    delay: step.delayMs > 0 ? Math.ceil(step.delayMs) : undefined,
    attempts: 1,
    removeOnComplete: true,
    removeOnFail: true,
  }
}

/** Adds the jobs of step runs SQL marked `queued`. Safe to call twice with the same steps. */
export async function enqueueSteps(queue: RuntimeQueue, steps: readonly StepToEnqueue[]): Promise<void> {
  if (steps.length === 0) return
  await queue.addBulk(
    steps.map((step) => {
      const { delayMs: _delay, ...data } = step
      return { name: stepJobName, data, opts: stepJobOptions(step) }
    }),
  )
}
