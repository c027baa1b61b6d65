import { json, type Run } from '@steward/db'
import { sql } from 'kysely'
import { afterRunEnded } from './advance-run.ts'
import type { Db } from './db.ts'
import { type FinishAttemptInput, type FinishedAttempt, finishAttemptIn, writeRecordsOf } from './finish-attempt.ts'
import { lockRun } from './lock-run.ts'
import type { StepToEnqueue } from './queues.ts'

/**
 * Records the ends of several attempts in ONE transaction, with what `finishAttempt` writes for each:
 * the attempt, its logs, metrics and costs, the step run's result, the steps that became ready and
 * the run's end. The runs are locked first, in id order, so groups on two workers never deadlock.
 *
 * The common case, attempts that succeeded in runs that are still open, takes a handful of
 * statements for the whole group: close the attempts, insert their records, mark their step runs
 * succeeded, queue every pending step whose needs all succeeded, end the runs whose steps all did.
 * Anything else (failures, retries, cancels, late attempts of ended runs) goes through
 * `finishAttemptIn`, one attempt at a time, in the same transaction.
 */
export async function finishAttempts(db: Db, inputs: readonly FinishAttemptInput[]): Promise<FinishedAttempt[]> {
  if (inputs.length === 0) return []
  return db.transaction().execute(async (trx) => {
    const runIds = [...new Set(inputs.map((input) => input.runId))].sort()
    const locked = await trx
      .selectFrom('runs')
      .selectAll()
      .where('id', 'in', runIds)
      .orderBy('id')
      .forNoKeyUpdate()
      .execute()
    const runs = new Map(locked.map((run) => [run.id, run]))
    const isFast = (input: FinishAttemptInput) => input.outcome.status === 'succeeded' && input.staleAfterMs === undefined
    const fastRuns = new Set(
      locked
        .filter(
          (run) =>
            (run.status === 'queued' || run.status === 'running') &&
            run.cancel_requested_at === null &&
            inputs.every((input) => input.runId !== run.id || isFast(input)),
        )
        .map((run) => run.id),
    )
    const results: FinishedAttempt[] = inputs.map(() => ({ recorded: false, enqueue: [], runStatus: undefined }))
    const fast: number[] = []
    for (const [i, input] of inputs.entries()) {
      if (fastRuns.has(input.runId)) {
        fast.push(i)
        continue
      }
      // Re-read under the lock already held: an earlier attempt of the group may have moved the run.
      const run = runs.has(input.runId) ? await lockRun(trx, input.runId) : undefined
      if (run) results[i] = await finishAttemptIn(trx, run, input)
    }
    if (fast.length > 0) await finishSucceeded(trx, runs, inputs, fast, results)
    return results
  })
}

/** The fast path of `finishAttempts`: `indexes` of `inputs` that succeeded, in open runs. */
async function finishSucceeded(
  trx: Db,
  runs: ReadonlyMap<string, Run>,
  inputs: readonly FinishAttemptInput[],
  indexes: readonly number[],
  results: FinishedAttempt[],
): Promise<void> {
  const closed = await trx
    .updateTable('attempts')
    .set((eb) => ({ status: 'succeeded', finished_at: eb.fn('now'), error: null }))
    .where(
      'id',
      'in',
      indexes.map((i) => inputs[i]?.attemptId ?? ''),
    )
    .where('status', '=', 'running')
    .returning('id')
    .execute()
  const closedIds = new Set(closed.map((row) => row.id))
  const recorded = indexes.flatMap((i) => {
    const input = inputs[i]
    const run = input && runs.get(input.runId)
    return input && run && closedIds.has(input.attemptId) ? [{ i, input, run }] : []
  })
  for (const { i, run } of recorded) results[i] = { recorded: true, enqueue: [], runStatus: run.status }
  if (recorded.length === 0) return
  await writeRecordsOf(trx, recorded)
  await sql`
    update step_runs s
    set status = 'succeeded', output = i.output::jsonb, error = null, finished_at = now()
    from unnest(
      ${recorded.map(({ input }) => input.stepRunId)}::uuid[],
      ${recorded.map(({ input }) => json(input.outcome.status === 'succeeded' ? (input.outcome.output ?? null) : null))}::text[]
    ) as i (id, output)
    where s.id = i.id and s.status = 'running'
  `.execute(trx)

  const runIds = [...new Set(recorded.map(({ run }) => run.id))]
  // The first recorded attempt of each run carries what its run queued.
  const carrier = new Map<string, FinishedAttempt>()
  for (const { i, run } of recorded) {
    const result = results[i]
    if (result && !carrier.has(run.id)) carrier.set(run.id, result)
  }
  const ready = await sql<{ id: string; run_id: string; step_id: string; attempt_count: number }>`
    update step_runs p
    set status = 'queued', queued_at = now()
    where p.run_id = any (${runIds}::uuid[])
      and p.status = 'pending'
      and (
        select count(*) from step_runs u
        where u.run_id = p.run_id and u.step_id = any (p.needs) and u.status = 'succeeded'
      ) = cardinality(p.needs)
    returning p.id, p.run_id, p.step_id, p.attempt_count
  `.execute(trx)
  for (const step of ready.rows) {
    const run = runs.get(step.run_id)
    if (!run) continue
    const entry: StepToEnqueue = {
      runId: run.id,
      stepRunId: step.id,
      stepId: step.step_id,
      pipelineId: run.pipeline_id,
      attempt: step.attempt_count + 1,
      delayMs: 0,
    }
    carrier.get(run.id)?.enqueue.push(entry)
  }
  const ended = await sql<Run>`
    update runs r
    set status = 'succeeded', error = null, finished_at = now(), started_at = coalesce(r.started_at, now())
    where r.id = any (${runIds}::uuid[])
      and not exists (select 1 from step_runs s where s.run_id = r.id and s.status <> 'succeeded')
    returning r.*
  `.execute(trx)
  for (const run of ended.rows) {
    const result = carrier.get(run.id)
    const enqueue = await afterRunEnded(trx, run, 'succeeded')
    if (result) {
      result.enqueue.push(...enqueue)
      result.runStatus = 'succeeded'
    }
  }
}
