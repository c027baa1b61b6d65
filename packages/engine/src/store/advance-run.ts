import type { ErrorInfo, Run, RunStatus } from '@steward/db'
import { json } from '@steward/db'
import { sql } from 'kysely'
import type { StepToEnqueue } from '../queue/runtime-queue.ts'
import { admitWaitingRuns } from '../runs/admit-runs.ts'
import { createDownstreamRuns } from '../triggers/upstream-triggers.ts'
import type { Db } from './db.ts'
import { readyStep } from './readiness.ts'

export interface Advance {
  /** Steps newly marked `queued` (this run's, admitted runs', downstream runs'): enqueue after commit. */
  enqueue: StepToEnqueue[]
  /** The run's status after this call. */
  status: RunStatus
}

/**
 * Advance: where a run moves from step to step, after any of its step runs changed. In order:
 * - the run already ended (a step still running when a sibling failed, finishing late): only keep
 *   `runs.cost_usd` equal to the sum of its cost entries, and `draining` until no step runs;
 * - cancel requested: pending and queued steps become `cancelled`; the run ends `cancelled` once
 *   nothing runs;
 * - a step failed for good: pending and queued steps become `skipped` and the run fails at once
 *   (steps still running see their signal abort and end `cancelled`);
 * - otherwise the ready steps (`readyStep`) become `queued`; when every step has succeeded the run
 *   succeeds.
 * The group finish does the same for successes in one statement (`finishSucceeded`), with the same
 * readiness rule; `finish-paths.test.ts` drives both over the same cases.
 *
 *   Input
 *     run        the run as the caller locked it in this transaction (`lockRun`)
 *   Output
 *     enqueue    steps marked `queued` here (the run's ready steps, the first steps of runs admitted
 *                or created on its end): enqueue them after commit
 *     status     the run's status after the call
 *   Writes
 *     step_runs  of this run: pending → queued; pending and queued → cancelled or skipped
 *     runs       this run's end (status, error, finished_at), then `cost_usd` and `draining`
 *     on a run's end: waiting runs admitted into its slot, downstream runs created (`afterRunEnded`)
 *   Locks
 *     the rows of the step runs it updates; on a run's end, admission and the downstream runs'
 *     idempotency keys (README.md, "Locks" 3 and 4)
 *   Caller holds
 *     the run's lock (`lockRun`), taken in this transaction before it changed the run's step runs:
 *     the step runs read here then include every other finish of the run, committed before
 *   Layout
 *     the run's step runs by `run_id` (README.md, "Layout")
 */
export async function advanceRun(trx: Db, run: Run): Promise<Advance> {
  if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') {
    await refreshEndedRun(trx, run.id)
    return { enqueue: [], status: run.status }
  }
  const steps = await trx
    .selectFrom('step_runs as s')
    .select(['s.id', 's.step_id', 's.status', 's.needs', 's.attempt_count', 's.error'])
    .select(readyStep('s', succeededInRun).as('ready'))
    .where('s.run_id', '=', run.id)
    .execute()
  const running = steps.filter((step) => step.status === 'running')

  if (run.cancel_requested_at !== null) {
    await closeOpenSteps(trx, run.id, 'cancelled')
    // Claims do not lock the run: count running steps after the queued ones were closed, so a claim
    // that won the race against the close is waited for.
    if (running.length > 0 || (await countRunning(trx, run.id)) > 0)
      return { enqueue: [], status: run.status }
    return finishRun(trx, run, 'cancelled', { message: 'the run was cancelled', code: 'CANCELLED' })
  }

  const failed = steps.find((step) => step.status === 'failed')
  if (failed) {
    await closeOpenSteps(trx, run.id, 'skipped')
    const cause = failed.error ?? { message: 'failed' }
    const error: ErrorInfo = { message: `step ${failed.step_id} failed: ${cause.message}` }
    if (cause.code !== undefined) error.code = cause.code
    return finishRun(trx, run, 'failed', error)
  }

  const ready = steps.filter((step) => step.ready)
  const enqueue: StepToEnqueue[] = []
  if (ready.length > 0) {
    await trx
      .updateTable('step_runs')
      .set((eb) => ({ status: 'queued', queued_at: eb.fn('now') }))
      .where(
        'id',
        'in',
        ready.map((step) => step.id),
      )
      .execute()
    for (const step of ready) {
      enqueue.push({
        runId: run.id,
        stepRunId: step.id,
        stepId: step.step_id,
        pipelineId: run.pipeline_id,
        attempt: step.attempt_count + 1,
        delayMs: 0,
      })
    }
  }
  if (steps.length > 0 && steps.every((step) => step.status === 'succeeded')) {
    const finished = await finishRun(trx, run, 'succeeded', null)
    return { enqueue: [...enqueue, ...finished.enqueue], status: finished.status }
  }
  return { enqueue, status: run.status }
}

/** The ids of the run's succeeded steps, over the rows of its step runs that `advanceRun` reads. */
const succeededInRun = "coalesce(array_agg(s.step_id) filter (where s.status = 'succeeded') over (), '{}')"

async function closeOpenSteps(trx: Db, runId: string, status: 'cancelled' | 'skipped'): Promise<void> {
  await trx
    .updateTable('step_runs')
    .set((eb) => ({ status, finished_at: eb.fn('now') }))
    .where('run_id', '=', runId)
    .where('status', 'in', ['pending', 'queued'])
    .execute()
}

async function countRunning(trx: Db, runId: string): Promise<number> {
  const row = await trx
    .selectFrom('step_runs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('run_id', '=', runId)
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function finishRun(trx: Db, run: Run, status: RunStatus, error: ErrorInfo | null): Promise<Advance> {
  await trx
    .updateTable('runs')
    .set((eb) => ({
      status,
      error: error === null ? null : json(error),
      finished_at: eb.fn('now'),
      started_at: eb.fn.coalesce('started_at', eb.fn<Date>('now')),
    }))
    .where('id', '=', run.id)
    .execute()
  return { enqueue: await afterRunEnded(trx, run, status), status }
}

/**
 * What follows a run's end, in the transaction that ended it: store its cost, admit the waiting runs
 * of its pipeline into the freed slot and, on success, create its downstream runs.
 */
async function afterRunEnded(trx: Db, run: Run, status: RunStatus): Promise<StepToEnqueue[]> {
  await refreshEndedRun(trx, run.id)
  const enqueue = await admitWaitingRuns(trx, run.pipeline_id)
  if (status === 'succeeded') enqueue.push(...(await createDownstreamRuns(trx, run)))
  return enqueue
}

/**
 * What an ended run keeps up to date while its last steps stop: `runs.cost_usd`, the sum of its cost
 * entries (compute and reported), and `draining`, whether a step still runs (a run that failed while
 * siblings ran), which keeps those steps' heartbeats in the reconciler's sight.
 */
async function refreshEndedRun(trx: Db, runId: string): Promise<void> {
  await trx
    .updateTable('runs')
    .set((eb) => ({
      cost_usd: eb
        .selectFrom('cost_entries')
        .select((sub) => sub.fn.coalesce(sub.fn.sum<string>('usd'), sub.val('0')).as('total'))
        .where('cost_entries.run_id', '=', runId),
      draining: sql<boolean>`exists (select 1 from step_runs where run_id = ${runId} and status = 'running')`,
    }))
    .where('id', '=', runId)
    .execute()
}
