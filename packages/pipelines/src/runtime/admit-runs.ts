import type { Db } from './db.ts'
import type { StepToEnqueue } from './queues.ts'

/**
 * `maxConcurrentRuns`: a run is *admitted* once any of its step runs has left `pending` (its first
 * steps are queued); a run still `queued` with every step `pending` waits for a slot. No extra
 * column: the step runs already say it. Admission decisions for one pipeline take turns under a
 * transaction-scoped advisory lock (session locks are shared on PGlite behind pglite-socket).
 */
export async function lockAdmission(trx: Db, pipelineId: string): Promise<void> {
  await trx
    .selectNoFrom((eb) =>
      eb
        .fn('pg_advisory_xact_lock', [eb.fn('hashtext', [eb.val(`steward.admission:${pipelineId}`)])])
        .as('locked'),
    )
    .execute()
}

/** Runs of the pipeline that hold a slot: not finished, and started (some step run not pending). */
export async function countActiveRuns(trx: Db, pipelineId: string): Promise<number> {
  const row = await trx
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('pipeline_id', '=', pipelineId)
    .where('status', 'in', ['queued', 'running'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('step_runs')
          .select('step_runs.id')
          .whereRef('step_runs.run_id', '=', 'runs.id')
          .where('step_runs.status', '<>', 'pending'),
      ),
    )
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Marks the steps of `runId` that need nothing `queued`, and returns them for enqueueing. */
export async function queueRootSteps(trx: Db, runId: string, pipelineId: string): Promise<StepToEnqueue[]> {
  const rows = await trx
    .updateTable('step_runs')
    .set((eb) => ({ status: 'queued', queued_at: eb.fn('now') }))
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .where((eb) => eb(eb.fn('cardinality', ['needs']), '=', 0))
    .returning(['id', 'step_id', 'attempt_count'])
    .execute()
  return rows.map((row) => ({
    runId,
    stepRunId: row.id,
    stepId: row.step_id,
    pipelineId,
    attempt: row.attempt_count + 1,
    delayMs: 0,
  }))
}

/**
 * Starts waiting runs of a pipeline while it has free slots, oldest first. Called wherever a run
 * ends, in the same transaction. Does nothing for pipelines without a limit (their runs start at once).
 */
export async function admitWaitingRuns(trx: Db, pipelineId: string): Promise<StepToEnqueue[]> {
  const pipeline = await trx
    .selectFrom('pipelines')
    .select('max_concurrent_runs')
    .where('id', '=', pipelineId)
    .executeTakeFirst()
  const limit = pipeline?.max_concurrent_runs ?? null
  if (limit === null) return []
  await lockAdmission(trx, pipelineId)
  const free = limit - (await countActiveRuns(trx, pipelineId))
  if (free <= 0) return []
  const waiting = await trx
    .selectFrom('runs')
    .select('id')
    .where('pipeline_id', '=', pipelineId)
    .where('status', '=', 'queued')
    .where('cancel_requested_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('step_runs')
            .select('step_runs.id')
            .whereRef('step_runs.run_id', '=', 'runs.id')
            .where('step_runs.status', '<>', 'pending'),
        ),
      ),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(free)
    .execute()
  const enqueue: StepToEnqueue[] = []
  for (const run of waiting) enqueue.push(...(await queueRootSteps(trx, run.id, pipelineId)))
  return enqueue
}
