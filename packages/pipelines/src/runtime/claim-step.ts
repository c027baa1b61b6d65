import { randomUUID } from 'node:crypto'
import type { Run, StepRun } from '@steward/db'
import type { Db } from './db.ts'
import { lockRun } from './lock-run.ts'
import type { StepJobData } from './queues.ts'

export interface ClaimedAttempt {
  run: Run
  stepRun: StepRun
  attemptId: string
  /** Outputs of the steps this one needs, by step id. */
  upstream: Record<string, unknown>
}

/**
 * Takes a step run for one attempt, or answers `undefined` when SQL says the job is stale: the step
 * is not `queued` (done, cancelled, skipped, already taken by another worker) or is queued for a
 * different attempt. The single atomic `update … where status = 'queued' and attempt_count = n - 1`
 * is what makes two workers never run the same attempt, whatever BullMQ redelivers.
 */
export async function claimStep(
  db: Db,
  job: StepJobData,
  workerId: string,
): Promise<ClaimedAttempt | undefined> {
  return db.transaction().execute(async (trx) => {
    const run = await lockRun(trx, job.runId)
    if (!run || run.cancel_requested_at !== null) return undefined
    if (run.status !== 'queued' && run.status !== 'running') return undefined
    const stepRun = await trx
      .updateTable('step_runs')
      .set((eb) => ({
        status: 'running',
        attempt_count: eb('attempt_count', '+', 1),
        started_at: eb.fn.coalesce('started_at', eb.fn<Date>('now')),
        error: null,
      }))
      .where('id', '=', job.stepRunId)
      .where('run_id', '=', job.runId)
      .where('status', '=', 'queued')
      .where('attempt_count', '=', job.attempt - 1)
      .returningAll()
      .executeTakeFirst()
    if (!stepRun) return undefined
    if (run.status === 'queued') {
      const started = await trx
        .updateTable('runs')
        .set((eb) => ({ status: 'running', started_at: eb.fn.coalesce('started_at', eb.fn<Date>('now')) }))
        .where('id', '=', run.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      Object.assign(run, started)
    }
    const attemptId = randomUUID()
    await trx
      .insertInto('attempts')
      .values((eb) => ({
        id: attemptId,
        step_run_id: stepRun.id,
        run_id: run.id,
        number: stepRun.attempt_count,
        status: 'running',
        worker_id: workerId,
        heartbeat_at: eb.fn<Date>('now'),
      }))
      .execute()
    const upstream: Record<string, unknown> = {}
    if (stepRun.needs.length > 0) {
      const rows = await trx
        .selectFrom('step_runs')
        .select(['step_id', 'output'])
        .where('run_id', '=', run.id)
        .where('step_id', 'in', stepRun.needs)
        .execute()
      for (const row of rows) upstream[row.step_id] = row.output
    }
    return { run, stepRun, attemptId, upstream }
  })
}
