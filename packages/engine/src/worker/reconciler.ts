import { enqueueSteps, type RuntimeQueue, type StepToEnqueue, stepJobId } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'
import { dbNowPlus } from '../store/db.ts'
import { finishAttempt } from '../store/finish-attempt.ts'
import { runningAttempts } from '../store/running-attempts.ts'
import { repairSchedules } from '../triggers/repair-schedules.ts'

/** A running attempt whose heartbeat is older than this belongs to a dead worker. */
export const defaultStaleAfterMs = 10_000
/** How long a step whose worker was lost waits before its retry: not the step's fault, so not its backoff. */
export const defaultLostStepRetryDelayMs = 1_000
/** Lost attempts per step that do not use up its own retries: a worker's death is not the step's fault. */
export const defaultForgivenLostAttempts = 2
/** How often each worker process reconciles. */
export const defaultReconcileEveryMs = 5_000

export interface ReconcileOptions {
  /** A running attempt whose heartbeat is older than this belongs to a dead worker. Default 10 s. */
  staleAfterMs?: number
  /** Delay of the retry of a step whose worker was lost. Default 1 s. */
  lostStepRetryDelayMs?: number
  /** Lost attempts per step run that do not use up the step's own retries. Default 2. */
  forgiveLostAttempts?: number
  /** Leave step runs queued for less than this alone: their job is probably being added. Default 5 s. */
  queuedGraceMs?: number
  /** Step runs looked at per call. Default 500. */
  batch?: number
}

export interface ReconcileReport {
  /** Step jobs added again because Redis did not have them. */
  requeued: number
  /** Running attempts failed because their worker stopped heartbeating. */
  failedAttempts: number
  /** Job schedulers created again (lost, or differing from SQL) or removed (SQL no longer wants them). */
  schedulesRepaired: number
}

/**
 * Makes Redis agree with SQL, so a Redis flush or a `kill -9` loses no run:
 * 1. attempts `running` whose heartbeat stopped (their worker died) are failed with `WORKER_LOST`
 *    and retried: the first `forgiveLostAttempts` (2) lost attempts of a step do not use up its own
 *    retries; past them the step retries if it has attempts left, else the run fails;
 * 2. step runs `queued` (and due) whose BullMQ job is gone are enqueued again;
 * 3. job schedulers are made equal to the deployed schedules in SQL (`repairSchedules`), so a queue
 *    that lost them fires again within one interval, without a deploy.
 *
 * Safe with many workers calling it at once, by construction rather than by a leader: failing an
 * attempt happens under the run's row lock and only if the attempt is still running with a stale
 * heartbeat (the second caller finds nothing to do), and enqueueing uses the deterministic job id
 * (a second add of the same attempt is a no-op; a job for an attempt SQL no longer wants is skipped
 * by the worker's claim); repairing schedules is idempotent too.
 *
 * @example
 * setInterval(() => reconcile(db, queue).catch(report), 10_000)
 */
export async function reconcile(
  db: Db,
  queue: RuntimeQueue,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const staleAfterMs = options.staleAfterMs ?? defaultStaleAfterMs
  const lostRetry = {
    backoffType: 'fixed',
    backoffMs: options.lostStepRetryDelayMs ?? defaultLostStepRetryDelayMs,
  } as const
  const queuedGraceMs = options.queuedGraceMs ?? 5_000
  const batch = options.batch ?? 500

  let failedAttempts = 0
  const enqueue: StepToEnqueue[] = []
  // Those of active runs, and of ended runs whose last steps still run.
  const stale = await runningAttempts(db)
    .select([
      'attempts.id as attemptId',
      'attempts.worker_id as workerId',
      'attempts.step_run_id as stepRunId',
      'attempts.run_id as runId',
    ])
    .where((eb) => eb.or([eb('runs.status', 'in', ['queued', 'running']), eb.ref('runs.draining')]))
    .where((eb) =>
      eb(eb.fn.coalesce('attempts.heartbeat_at', 'attempts.started_at'), '<', dbNowPlus(eb, -staleAfterMs)),
    )
    .limit(batch)
    .execute()
  for (const attempt of stale) {
    const finished = await finishAttempt(db, {
      runId: attempt.runId,
      stepRunId: attempt.stepRunId,
      attemptId: attempt.attemptId,
      outcome: {
        status: 'failed',
        retryable: true,
        error: {
          message: `worker ${attempt.workerId ?? '(unknown)'} stopped answering while running this attempt (no heartbeat for ${Math.round(staleAfterMs / 1000)} s)`,
          code: 'WORKER_LOST',
        },
      },
      backoff: lostRetry,
      staleAfterMs,
      forgiveLostAttempts: options.forgiveLostAttempts ?? defaultForgivenLostAttempts,
    })
    if (finished.recorded) failedAttempts += 1
    enqueue.push(...finished.enqueue)
  }
  await enqueueSteps(queue, enqueue)

  const queued = await db
    .selectFrom('step_runs')
    .innerJoin('runs', 'runs.id', 'step_runs.run_id')
    .select([
      'step_runs.id as stepRunId',
      'step_runs.step_id as stepId',
      'step_runs.attempt_count as attemptCount',
      'runs.id as runId',
      'runs.pipeline_id as pipelineId',
    ])
    .where('step_runs.status', '=', 'queued')
    .where('runs.status', 'in', ['queued', 'running'])
    .where((eb) => eb('step_runs.queued_at', '<=', dbNowPlus(eb, -queuedGraceMs)))
    .orderBy('step_runs.queued_at')
    .limit(batch)
    .execute()
  const lost: StepToEnqueue[] = []
  for (const step of queued) {
    const wanted = { ...step, attempt: step.attemptCount + 1 }
    const job = await queue.getJob(stepJobId(wanted))
    if (job) {
      const state = await job.getState()
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue
      await job.remove().catch(() => undefined)
    }
    lost.push({
      runId: step.runId,
      stepRunId: step.stepRunId,
      stepId: step.stepId,
      pipelineId: step.pipelineId,
      attempt: wanted.attempt,
      delayMs: 0,
    })
  }
  await enqueueSteps(queue, lost)

  const schedules = await repairSchedules(db, queue)
  return {
    requeued: lost.length,
    failedAttempts,
    schedulesRepaired: schedules.upserted.length + schedules.removed.length,
  }
}
