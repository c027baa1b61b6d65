import type { StepToEnqueue } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'

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
  return countAdmitted(trx, 'pipeline_id', pipelineId)
}

/** Runs of a backfill that hold one of its `concurrency` slots. */
export async function countActiveBackfillRuns(trx: Db, backfillId: string): Promise<number> {
  return countAdmitted(trx, 'backfill_id', backfillId)
}

async function countAdmitted(trx: Db, column: 'pipeline_id' | 'backfill_id', value: string): Promise<number> {
  const row = await trx
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(column, '=', value)
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
 * Starts waiting runs of a pipeline while it has free slots, oldest first: runs waiting for the
 * pipeline's `maxConcurrentRuns`, then runs of its backfills within each backfill's concurrency
 * (and the pipeline's limit, if any). Called wherever a run ends, in the same transaction.
 */
export async function admitWaitingRuns(trx: Db, pipelineId: string): Promise<StepToEnqueue[]> {
  const pipeline = await trx
    .selectFrom('pipelines')
    .select('max_concurrent_runs')
    .where('id', '=', pipelineId)
    .executeTakeFirst()
  const limit = pipeline?.max_concurrent_runs ?? null
  const backfills = await trx
    .selectFrom('backfills')
    .select(['id', 'concurrency'])
    .where('pipeline_id', '=', pipelineId)
    .where('status', '=', 'running')
    .orderBy('created_at')
    .execute()
  if (limit === null && backfills.length === 0) return []
  await lockAdmission(trx, pipelineId)
  let free = limit === null ? Number.POSITIVE_INFINITY : limit - (await countActiveRuns(trx, pipelineId))
  const enqueue: StepToEnqueue[] = []
  if (limit !== null && free > 0) {
    const admitted = await admitOldest(trx, pipelineId, null, free)
    enqueue.push(...admitted)
    free -= new Set(admitted.map((step) => step.runId)).size
  }
  for (const backfill of backfills) {
    const slots = Math.min(free, backfill.concurrency - (await countActiveBackfillRuns(trx, backfill.id)))
    if (slots <= 0) continue
    const admitted = await admitOldest(trx, pipelineId, backfill.id, slots)
    enqueue.push(...admitted)
    free -= new Set(admitted.map((step) => step.runId)).size
  }
  if (backfills.length > 0) await settleBackfills(trx, pipelineId)
  return enqueue
}

/**
 * Ends the running backfills of a pipeline that have nothing left to run: `failed` if any of their
 * runs failed, else `succeeded`. A cascaded backfill (`--with-downstream`) also waits for its parent,
 * whose successes create its runs; when a parent ends, its children are settled too.
 */
export async function settleBackfills(trx: Db, pipelineId: string): Promise<void> {
  const settled = await trx
    .updateTable('backfills')
    .set((eb) => ({
      status: eb
        .case()
        .when(
          eb.exists(
            eb
              .selectFrom('runs')
              .select('runs.id')
              .whereRef('runs.backfill_id', '=', 'backfills.id')
              .where('runs.status', 'in', ['failed', 'cancelled']),
          ),
        )
        .then('failed' as const)
        .else('succeeded' as const)
        .end(),
      finished_at: eb.fn('now'),
    }))
    .where('pipeline_id', '=', pipelineId)
    .where('status', '=', 'running')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('runs')
            .select('runs.id')
            .whereRef('runs.backfill_id', '=', 'backfills.id')
            .where('runs.status', 'in', ['queued', 'running']),
        ),
      ),
    )
    .where((eb) =>
      eb.or([
        eb('parent_id', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('backfills as parent')
              .select('parent.id')
              .whereRef('parent.id', '=', 'backfills.parent_id')
              .where('parent.status', '=', 'running'),
          ),
        ),
      ]),
    )
    .returning('id')
    .execute()
  if (settled.length === 0) return
  const children = await trx
    .selectFrom('backfills')
    .select('pipeline_id')
    .distinct()
    .where(
      'parent_id',
      'in',
      settled.map((row) => row.id),
    )
    .where('status', '=', 'running')
    .execute()
  for (const child of children) await settleBackfills(trx, child.pipeline_id)
}

/** Queues the first steps of up to `count` waiting runs (of a backfill, or outside any), oldest first. */
async function admitOldest(
  trx: Db,
  pipelineId: string,
  backfillId: string | null,
  count: number,
): Promise<StepToEnqueue[]> {
  const waiting = await trx
    .selectFrom('runs')
    .select('id')
    .where('pipeline_id', '=', pipelineId)
    .where('backfill_id', backfillId === null ? 'is' : '=', backfillId)
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
    .orderBy('partition_key')
    .orderBy('id')
    .limit(count)
    .execute()
  const enqueue: StepToEnqueue[] = []
  for (const run of waiting) enqueue.push(...(await queueRootSteps(trx, run.id, pipelineId)))
  return enqueue
}
