import { randomUUID } from 'node:crypto'
import { prepared, type Run, type StepRun } from '@steward/db'
import { type RawBuilder, sql } from 'kysely'
import type { StepJobData } from '../queue/runtime-queue.ts'
import type { Db } from './db.ts'

export interface ClaimedAttempt {
  run: Pick<Run, 'id' | 'pipeline_id' | 'product_id' | 'pipeline_version' | 'params' | 'partition_key'>
  stepRun: ClaimedStepRow
  attemptId: string
  /** Outputs of the steps this one needs, by step id. */
  upstream: Record<string, unknown>
}

/** The step run columns a claim answers: `ClaimedStepRow`, and the SQL of both claiming statements. */
const claimedColumns = ['id', 'run_id', 'step_id', 'attempt_count', 'max_attempts', 'needs'] as const

/** A claimed step run's fields, as the claiming statements return them. */
export type ClaimedStepRow = Pick<StepRun, (typeof claimedColumns)[number]>

/*
 * The claim's SQL, shared by the two statements that claim: `claimSteps` (a queued step, for the
 * job that reached a worker) and the group finish (`finishSucceeded`, a step its successes made
 * ready, for the finishing worker). Each makes its step run `running` for attempt n (its own
 * condition: queued for attempt n - 1, or ready under the run's lock), then both answer the same
 * columns, open the attempt the same way and read the needs' outputs into the same object.
 * Raw text where there is no data: both statements are prepared by their text.
 */

/** The columns of `ClaimedStepRow`, from the step runs aliased `step`. */
export function claimedStepColumns(step: string): RawBuilder<unknown> {
  return sql.raw(claimedColumns.map((column) => `${step}.${column}`).join(', '))
}

/**
 * Opens the attempt of each claimed step run in `from` (a CTE with `ClaimedStepRow`'s columns, the
 * new `attempt_count`, and `attempt_id`): `running`, for `workerId`, heartbeating from now.
 */
export function openClaimedAttempts(from: string, workerId: string | null): RawBuilder<unknown> {
  return sql`insert into attempts (id, step_run_id, run_id, number, status, worker_id, heartbeat_at)
      select attempt_id, id, run_id, attempt_count, 'running', ${workerId}, now() from ${sql.raw(from)}`
}

/** A claimed step's `upstream`: the outputs of rows `u` (`step_id`, `output`: its needs) by step id. */
export const upstreamOutputs = sql.raw<Record<string, unknown>>(
  `coalesce(jsonb_object_agg(u.step_id, u.output), '{}'::jsonb)`,
)

/** A claimed attempt from its run (a whole row will do) and its claimed step run. */
export function claimedAttempt(
  run: ClaimedAttempt['run'],
  step: ClaimedStepRow,
  attemptId: string,
  upstream: Record<string, unknown>,
): ClaimedAttempt {
  return {
    run: {
      id: run.id,
      pipeline_id: run.pipeline_id,
      product_id: run.product_id,
      pipeline_version: run.pipeline_version,
      params: run.params,
      partition_key: run.partition_key,
    },
    stepRun: {
      id: step.id,
      run_id: step.run_id,
      step_id: step.step_id,
      attempt_count: step.attempt_count,
      max_attempts: step.max_attempts,
      needs: step.needs,
    },
    attemptId,
    upstream,
  }
}

interface ClaimRow extends ClaimedStepRow {
  attempt_id: string
  pipeline_id: string
  product_id: string
  pipeline_version: number
  partition_key: string | null
  params: Record<string, unknown>
  upstream: Record<string, unknown>
}

/** Takes one step run for one attempt; see `claimSteps`. */
export async function claimStep(
  db: Db,
  job: StepJobData,
  workerId: string,
): Promise<ClaimedAttempt | undefined> {
  return (await claimSteps(db, [job], workerId))[0]
}

/**
 * Claim: takes step runs for one attempt each, in ONE statement (the jobs that reach a worker
 * together are claimed as a group), answering per job, in order.
 *
 *   Input
 *     jobs[i]      a queue job: `stepRunId` of `runId`, for `attempt` n (1 = the first try)
 *     workerId     recorded on the attempts (the reconciler and the logs say who ran what)
 *     attemptIds   made here, one new uuid per job: the attempt's id, and how answers find their job
 *   Output, per job
 *     ClaimedAttempt   the run's fields, the step run (`attempt_count` = n), the new attempt's id and
 *                      the outputs of the steps it needs
 *     undefined        a stale job: the step run is not `queued` for attempt n (done, cancelled,
 *                      skipped, taken by another worker, or queued for another attempt), or its run
 *                      ended or is being cancelled
 *   Writes
 *     step_runs    queued → running, `attempt_count` n, `started_at` on the first try, `error` cleared
 *     runs         queued → running and `started_at`, on the run's first claim
 *     attempts     one row per claim, `running`, `number` n, `worker_id`, `heartbeat_at` now
 *   Locks
 *     the claimed step run rows (the conditional update), then the rows of the runs it starts; no
 *     run lock before (README.md, "Locks")
 *   Keeps
 *     a step run is claimed at most once per attempt: `status = 'queued' and attempt_count = n - 1`
 *     is the claim, and its row lock settles a race, whatever the queue redelivers;
 *     a step is queued only once it was ready, so `upstream` holds an output for every need
 *   Caller holds
 *     nothing: it is one statement (a finishing transaction also calls it for the steps it queued,
 *     holding their runs' locks)
 *   Layout
 *     step runs by id, runs by id, attempts inserted (README.md, "Layout")
 *
 * A cancel or a failing sibling turns queued steps `cancelled`/`skipped` under the run's lock, so
 * a claim that races it either waits on that step row and then finds it no longer queued, or
 * commits first and its step sees the signal abort on the next heartbeat.
 */
export async function claimSteps(
  db: Db,
  jobs: readonly StepJobData[],
  workerId: string,
): Promise<(ClaimedAttempt | undefined)[]> {
  if (jobs.length === 0) return []
  const attemptIds = jobs.map(() => randomUUID())
  // Bounds the update of runs to an index lookup, whatever the planner guesses of the CTEs' sizes.
  const runIds = [...new Set(jobs.map((job) => job.runId))]
  const { rows } = await sql<ClaimRow>`${sql.raw(prepared)}
    with input as (
      select * from unnest(
        ${jobs.map((job) => job.stepRunId)}::uuid[],
        ${jobs.map((job) => job.runId)}::uuid[],
        ${jobs.map((job) => job.attempt)}::int[],
        ${attemptIds}::uuid[]
      ) as t (step_run_id, run_id, attempt, attempt_id)
    ),
    claimed as (
      update step_runs s
      set status = 'running',
        attempt_count = s.attempt_count + 1,
        started_at = coalesce(s.started_at, now()),
        error = null
      from input i
      where s.id = i.step_run_id
        and s.run_id = i.run_id
        and s.status = 'queued'
        and s.attempt_count = i.attempt - 1
        and exists (
          select 1 from runs r
          where r.id = i.run_id and r.cancel_requested_at is null and r.status in ('queued', 'running')
        )
      returning ${claimedStepColumns('s')}, i.attempt_id
    ),
    started as (
      update runs r
      set status = 'running', started_at = coalesce(r.started_at, now())
      where r.id = any (${runIds}::uuid[]) and r.id in (select run_id from claimed) and r.status = 'queued'
      returning r.id
    ),
    opened as (
      ${openClaimedAttempts('claimed', workerId)}
      returning id
    )
    select c.*, r.pipeline_id, r.product_id, r.pipeline_version, r.params, r.partition_key,
      (
        select ${upstreamOutputs}
        from step_runs u
        where u.run_id = c.run_id and u.step_id = any (c.needs)
      ) as upstream
    -- Not bounded by "r.id = any (…)" as the CTEs are: a plan made while the table was small
    -- then scanned every run and filtered it against the array (0.26 → 0.20 ms of PostgreSQL per
    -- step at 2,000 W2 runs without it).
    from claimed c
    join runs r on r.id = c.run_id
  `.execute(db)
  const byAttempt = new Map(rows.map((row) => [row.attempt_id, row]))
  return attemptIds.map((attemptId) => {
    const row = byAttempt.get(attemptId)
    if (!row) return undefined
    return claimedAttempt({ ...row, id: row.run_id }, row, attemptId, row.upstream)
  })
}
