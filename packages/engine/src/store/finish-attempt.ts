import type { CostKind, ErrorInfo, LogLevel, Run, RunStatus, StepSpec } from '@steward/db'
import { json, type MetricsTable } from '@steward/db'
import { postgresText } from '@steward/kernel'
import { type Insertable, sql } from 'kysely'
import type { StepToEnqueue } from '../queue/runtime-queue.ts'
import type { CheckResult } from '../warehouse/run-checks.ts'
import type { RecordedQuery } from '../warehouse/step-warehouses.ts'
import { advanceRun } from './advance-run.ts'
import { chunks } from './chunks.ts'
import type { ClaimedAttempt } from './claim-step.ts'
import { type Db, dbNowPlus } from './db.ts'
import { lockRun } from './lock-run.ts'
import { backoffDelayMs } from './step-specs.ts'

/** How one attempt ended. `output` is already checked to be small JSON. */
export type AttemptOutcome =
  | { status: 'succeeded'; output: unknown }
  | { status: 'failed' | 'timed_out'; error: ErrorInfo; retryable: boolean }
  | { status: 'cancelled'; error: ErrorInfo }

/** What a step reported during the attempt, buffered in memory and written with its result. */
export interface AttemptRecords {
  logs: { level: LogLevel; message: string; fields: Record<string, unknown> | null; at: Date }[]
  metrics: { name: string; value: number; labels: Record<string, string>; at: Date }[]
  costs: { kind: CostKind; item: string; usd: number; quantity: number | null; unit: string | null }[]
  /** The statements the step ran through `ctx.sql` (bounded, their text already storable). */
  queries?: RecordedQuery[]
  /** The checks of the tables the step writes, run after its code returned. */
  checks?: CheckResult[]
}

export interface FinishAttemptInput {
  runId: string
  stepRunId: string
  attemptId: string
  outcome: AttemptOutcome
  records?: AttemptRecords
  /** The step's backoff, for scheduling a retry. Without it a retry starts at once. */
  backoff?: Pick<StepSpec, 'backoffType' | 'backoffMs'>
  /** Reconciler only: finish the attempt only if its heartbeat is older than this (a live worker wins). */
  staleAfterMs?: number
  /**
   * Reconciler only: the attempt was lost with its worker, which is not the step's fault. Up to
   * this many lost attempts per step run do not use up the step's own retries (its `max_attempts`
   * grows by one for each); past it, a lost attempt counts like any failure, so a step that kills
   * its worker every time still ends.
   */
  forgiveLostAttempts?: number
}

export interface FinishedAttempt {
  /** False when the attempt was no longer running (the reconciler gave up on it first): nothing was written. */
  recorded: boolean
  /** Enqueue after commit: the retry, the next steps, admitted and downstream runs. */
  enqueue: StepToEnqueue[]
  runStatus: RunStatus | undefined
  /**
   * Steps that became ready, already claimed in the same transaction for this worker to run next
   * (`finishAttempts` with a worker id), each in a slot of its own; not in `enqueue`.
   */
  next?: ClaimedAttempt[]
}

/**
 * Slow-path finish: records the end of one attempt in ONE transaction: the attempt's status and
 * error, its logs, metrics and cost entries, the step run's result (output, a retry `queued` after
 * its backoff, or failure once attempts are used up or the error is not retryable), then
 * `advanceRun` for the steps that became ready and the run's own end. Failures, retries, cancels
 * and late ends take this path; so does a success that `finishAttempts` cannot take in its
 * statement.
 *
 *   Input
 *     input        as `finishAttempts`'s inputs: the attempt, its outcome, records, backoff, and
 *                  `staleAfterMs` for the reconciler (a live worker's heartbeat wins)
 *   Output (`FinishedAttempt`)
 *     recorded     false when the attempt was no longer running (or its run is gone): nothing written
 *     enqueue      the retry (with its delay) and what `advanceRun` queued: enqueue after commit
 *     runStatus    the run's status after the transaction
 *   Writes
 *     the attempt closed; logs, metrics, cost entries; the step run's result, only while it is
 *     `running` (a late end of an attempt given up on leaves its retry alone); `advanceRun`'s writes
 *   Locks
 *     the run's row first (`lockRun`), then the rows it updates (README.md, "Locks")
 *   Keeps
 *     an attempt is closed once (`status = 'running'`); a retry is queued only while its run is
 *     open and attempts are left, for attempt `attempt_count` + 1
 *   Caller holds
 *     nothing (`finishAttemptIn`: the run's lock, in the caller's transaction)
 *   Layout
 *     the attempt and step run by id; the run's step runs by run (README.md, "Layout")
 */
export async function finishAttempt(db: Db, input: FinishAttemptInput): Promise<FinishedAttempt> {
  return db.transaction().execute(async (trx) => {
    const run = await lockRun(trx, input.runId)
    if (!run) return { recorded: false, enqueue: [], runStatus: undefined }
    return finishAttemptIn(trx, run, input)
  })
}

/** `finishAttempt`'s work inside a transaction that already holds `run`'s lock (`lockRun`). */
export async function finishAttemptIn(
  trx: Db,
  run: Run,
  input: FinishAttemptInput,
): Promise<FinishedAttempt> {
  const { outcome } = input
  const closed = await trx
    .updateTable('attempts')
    .set((eb) => ({
      status: outcome.status,
      finished_at: eb.fn('now'),
      error: outcome.status === 'succeeded' ? null : json(outcome.error),
    }))
    .where('id', '=', input.attemptId)
    .where('status', '=', 'running')
    .$if(input.staleAfterMs !== undefined, (qb) =>
      qb.where((eb) =>
        eb(eb.fn.coalesce('heartbeat_at', 'started_at'), '<', dbNowPlus(eb, -(input.staleAfterMs ?? 0))),
      ),
    )
    .returning('id')
    .executeTakeFirst()
  if (!closed) return { recorded: false, enqueue: [], runStatus: run.status }

  await writeRecords(trx, run, [input])
  if (input.forgiveLostAttempts) await forgiveLostAttempt(trx, input, input.forgiveLostAttempts)

  const stepRun = await trx
    .selectFrom('step_runs')
    .select(['id', 'step_id', 'attempt_count', 'max_attempts', 'status'])
    .where('id', '=', input.stepRunId)
    .executeTakeFirstOrThrow()
  const enqueue: StepToEnqueue[] = []
  const runOpen = (run.status === 'queued' || run.status === 'running') && run.cancel_requested_at === null
  if (stepRun.status === 'running') {
    if (outcome.status === 'succeeded') {
      await trx
        .updateTable('step_runs')
        .set((eb) => ({
          status: 'succeeded',
          output: json(outcome.output ?? null),
          error: null,
          finished_at: eb.fn('now'),
        }))
        .where('id', '=', stepRun.id)
        .execute()
    } else if (outcome.status === 'cancelled') {
      await trx
        .updateTable('step_runs')
        .set((eb) => ({ status: 'cancelled', error: json(outcome.error), finished_at: eb.fn('now') }))
        .where('id', '=', stepRun.id)
        .execute()
    } else if (outcome.retryable && runOpen && stepRun.attempt_count < stepRun.max_attempts) {
      const delayMs = input.backoff ? backoffDelayMs(input.backoff, stepRun.attempt_count) : 0
      await trx
        .updateTable('step_runs')
        .set((eb) => ({ status: 'queued', error: json(outcome.error), queued_at: dbNowPlus(eb, delayMs) }))
        .where('id', '=', stepRun.id)
        .execute()
      enqueue.push({
        runId: run.id,
        stepRunId: stepRun.id,
        stepId: stepRun.step_id,
        pipelineId: run.pipeline_id,
        attempt: stepRun.attempt_count + 1,
        delayMs,
      })
    } else {
      await trx
        .updateTable('step_runs')
        .set((eb) => ({ status: 'failed', error: json(outcome.error), finished_at: eb.fn('now') }))
        .where('id', '=', stepRun.id)
        .execute()
    }
  }
  const advanced = await advanceRun(trx, run)
  return { recorded: true, enqueue: [...enqueue, ...advanced.enqueue], runStatus: advanced.status }
}

/**
 * Gives a step run back the attempt its worker lost, while it has lost no more than `allowed`
 * (counting this one). Runs under the run's lock, after the attempt was closed, so two reconcilers
 * cannot both grant it. Attempts are read by their step run and run (no status index).
 */
async function forgiveLostAttempt(trx: Db, input: FinishAttemptInput, allowed: number): Promise<void> {
  const lost = await trx
    .selectFrom('attempts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('run_id', '=', input.runId)
    .where('step_run_id', '=', input.stepRunId)
    .where(sql<string>`error->>'code'`, '=', 'WORKER_LOST')
    .executeTakeFirstOrThrow()
  if (Number(lost.n) > allowed) return
  await trx
    .updateTable('step_runs')
    .set((eb) => ({ max_attempts: eb('max_attempts', '+', 1) }))
    .where('id', '=', input.stepRunId)
    .where('status', '=', 'running')
    .execute()
}

/**
 * One statement either way: metrics without labels are a plain multi-row insert; with labels, the
 * insert feeds `metric_label_sets` (the sources each metric has had) in a CTE, so labels cost no
 * extra round trip on the finishing path.
 */
async function insertMetrics(trx: Db, rows: Insertable<MetricsTable>[]): Promise<void> {
  if (rows.every((row) => row.labels === emptyLabels)) {
    await trx.insertInto('metrics').values(rows).execute()
    return
  }
  await trx
    .with('written', (db) =>
      db.insertInto('metrics').values(rows).returning(['pipeline_id', 'name', 'labels']),
    )
    .insertInto('metric_label_sets')
    .columns(['pipeline_id', 'metric', 'labels'])
    .expression((eb) =>
      eb
        .selectFrom('written')
        .select(['written.pipeline_id', 'written.name', 'written.labels'])
        .distinct()
        .where(sql<boolean>`written.labels <> ${emptyLabels}::jsonb`),
    )
    .onConflict((oc) => oc.doNothing())
    .execute()
}

const emptyLabels = json({})

/** The logs, metrics and cost entries of attempts of `run` (one insert per kind for all of them). */
export async function writeRecords(
  trx: Db,
  run: { id: string; pipeline_id: string; product_id: string },
  inputs: readonly Pick<FinishAttemptInput, 'stepRunId' | 'attemptId' | 'records'>[],
): Promise<void> {
  await writeRecordsOf(
    trx,
    inputs.map((input) => ({ run, input })),
  )
}

/**
 * `writeRecords` for attempts of several runs. Their text comes from steps, so the text columns go
 * through `postgresText` and the JSON ones through `json`: a NUL or a lone surrogate in a log line
 * is stored as U+FFFD instead of failing the attempt's whole finish.
 */
export async function writeRecordsOf(
  trx: Db,
  items: readonly {
    run: { id: string; pipeline_id: string; product_id: string }
    input: Pick<FinishAttemptInput, 'stepRunId' | 'attemptId' | 'records'>
  }[],
): Promise<void> {
  const owner = (item: (typeof items)[number]) => ({
    run_id: item.run.id,
    step_run_id: item.input.stepRunId,
    attempt_id: item.input.attemptId,
  })
  const logs = items.flatMap((item) =>
    (item.input.records?.logs ?? []).map((line) => ({
      ...owner(item),
      level: line.level,
      message: postgresText(line.message),
      fields: line.fields === null ? null : json(line.fields),
      at: line.at,
    })),
  )
  for (const rows of chunks(logs)) await trx.insertInto('logs').values(rows).execute()
  const metrics = items.flatMap((item) =>
    (item.input.records?.metrics ?? []).map((metric) => ({
      ...owner(item),
      pipeline_id: item.run.pipeline_id,
      product_id: item.run.product_id,
      name: postgresText(metric.name),
      value: metric.value,
      labels: json(metric.labels),
      recorded_at: metric.at,
    })),
  )
  for (const rows of chunks(metrics)) await insertMetrics(trx, rows)
  const costs = items.flatMap((item) =>
    (item.input.records?.costs ?? []).map((cost) => ({
      ...owner(item),
      pipeline_id: item.run.pipeline_id,
      product_id: item.run.product_id,
      kind: cost.kind,
      item: postgresText(cost.item),
      usd: cost.usd.toFixed(6),
      quantity: cost.quantity,
      unit: cost.unit === null ? null : postgresText(cost.unit),
    })),
  )
  for (const rows of chunks(costs)) await trx.insertInto('cost_entries').values(rows).execute()
  const queries = items.flatMap((item) =>
    (item.input.records?.queries ?? []).map((query) => ({
      ...owner(item),
      connection: query.connection,
      statement: postgresText(query.statement),
      ms: query.ms,
      row_count: query.rows,
      failed: query.failed,
      at: query.at,
    })),
  )
  for (const rows of chunks(queries)) await trx.insertInto('warehouse_queries').values(rows).execute()
  const checks = items.flatMap((item) =>
    (item.input.records?.checks ?? []).map((check) => ({
      ...owner(item),
      product_id: item.run.product_id,
      table_name: check.table,
      check_name: postgresText(check.name),
      check_kind: check.kind,
      severity: check.severity,
      status: check.status,
      failing_count: check.failingCount,
      sample: check.sample === null ? null : json(check.sample),
      error: check.error === null ? null : postgresText(check.error.slice(0, maxCheckErrorChars)),
      duration_ms: check.durationMs,
      checked_at: check.at,
    })),
  )
  for (const rows of chunks(checks)) await trx.insertInto('check_results').values(rows).execute()
}

/** A check's error (the warehouse's message) is cut past this many characters when stored. */
const maxCheckErrorChars = 2_000
