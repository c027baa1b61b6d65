import { randomUUID } from 'node:crypto'
import { json, type RunTrigger } from '@steward/db'
import { postgresText, StewardError } from '@steward/kernel'
import type { Pipeline } from '@steward/pipelines'
import { sql } from 'kysely'
import { enqueueSteps, type RuntimeQueue, type StepToEnqueue } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'
import { countActiveBackfillRuns, countActiveRuns, lockAdmission, queueRootSteps } from './admit-runs.ts'
import { checkParams, checkParamsAgainstJsonSchema } from './params.ts'
import { insertPlainRun } from './plain-runs.ts'
import { resolvePartitionKey } from './run-partition.ts'

export interface CreateRunInput {
  pipelineId: string
  /** As the caller sent them; stored as given, checked again (with defaults applied) by the worker. */
  params?: Record<string, unknown>
  trigger: RunTrigger
  triggerDetail?: Record<string, unknown>
  /**
   * The partition to build, for a partitioned pipeline; checked against its scheme. Without one, a
   * time-partitioned pipeline builds its latest complete window.
   */
  partitionKey?: string
  /** The backfill creating this run: it is admitted within the backfill's concurrency. */
  backfill?: { id: string; concurrency: number }
  /**
   * The pipeline's definition, when the caller has the code (worker, `steward dev`): params are
   * checked with its zod schema. Without it they are checked against the JSON Schema stored at deploy.
   */
  definition?: Pipeline
  /**
   * Skip the params check here: the run is created and, if its params are wrong, fails at once in
   * the worker with `PARAMS_INVALID`, visible on the run page. For runs nobody waits on (schedules,
   * upstream triggers), where refusing would lose the run silently.
   */
  skipParamsCheck?: boolean
  /**
   * A second call with the same key for the same pipeline returns the first run instead of making
   * another (a scheduled job delivered twice, an HTTP client retrying). Stored in `trigger_detail`.
   */
  idempotencyKey?: string
}

export interface CreatedRun {
  runId: string
  /** False when `idempotencyKey` matched an existing run, which is returned instead. */
  created: boolean
  /** False when `maxConcurrentRuns` runs are active: the run stays `queued` until a slot frees. */
  admitted: boolean
  /** Step runs marked `queued`: enqueue them after the transaction commits (`enqueueSteps`). */
  enqueue: StepToEnqueue[]
}

/**
 * Creates a run in SQL, in one transaction: the run (`queued`), one step run per step (`pending`,
 * `max_attempts` = retries + 1), and, when the pipeline has a free slot, its first steps `queued`.
 * Bad params throw `StewardError('PARAMS_INVALID')` naming the field, and no run is created.
 * Enqueue `result.enqueue` after it returns, or call `startRun`, which does both.
 *
 * @example
 * const { runId, enqueue } = await createRun(db, { pipelineId: 'signup-funnel.build', params: { week: '2025-W47' }, trigger: 'manual' })
 * await enqueueSteps(queue, enqueue)
 */
export async function createRun(db: Db, input: CreateRunInput): Promise<CreatedRun> {
  const created = await createPlainRun(db, input)
  if (created) return created
  return db.transaction().execute((trx) => createRunIn(trx, input))
}

/**
 * The common run without a transaction (`insertPlainRun`: one statement, shared with the runs
 * other callers start at the same time): no idempotency key, backfill or partition asked for,
 * params checked with the code at hand (or not at all). `undefined` when the pipeline needs the
 * full path (`createRunIn`).
 */
async function createPlainRun(db: Db, input: CreateRunInput): Promise<CreatedRun | undefined> {
  if (input.idempotencyKey !== undefined || input.backfill !== undefined || input.partitionKey !== undefined)
    return undefined
  if (input.definition === undefined && !input.skipParamsCheck) return undefined
  const params = input.params ?? {}
  if (!input.skipParamsCheck && input.definition !== undefined) {
    const checked = checkParams(input.pipelineId, input.definition.params, params)
    if (!checked.ok) throw checked.error
  }
  const runId = randomUUID()
  const enqueue = await insertPlainRun(db, {
    runId,
    pipelineId: input.pipelineId,
    trigger: input.trigger,
    triggerDetail: input.triggerDetail,
    params,
  })
  return enqueue && { runId, created: true, admitted: true, enqueue }
}

/**
 * `createRun`, then the jobs of its first steps. The entry point for `steward run`, the HTTP API
 * and schedules. Should Redis fail after the commit, the reconciler enqueues the steps later.
 */
export async function startRun(db: Db, queue: RuntimeQueue, input: CreateRunInput): Promise<CreatedRun> {
  const created = await createRun(db, input)
  await enqueueSteps(queue, created.enqueue)
  return created
}

/** `createRun` inside a transaction the caller holds (a finishing run creating its downstream runs). */
export async function createRunIn(trx: Db, input: CreateRunInput): Promise<CreatedRun> {
  const pipeline = await loadPipeline(trx, input.pipelineId)
  const checked = checkRun(pipeline, input)
  if (input.idempotencyKey !== undefined) {
    // Often a client's id (an event's `id`): text PostgreSQL can compare and store.
    const key = postgresText(input.idempotencyKey)
    await trx
      .selectNoFrom((eb) =>
        eb
          .fn('pg_advisory_xact_lock', [eb.fn('hashtext', [eb.val(`steward.run:${pipeline.id}:${key}`)])])
          .as('locked'),
      )
      .execute()
    const existing = await trx
      .selectFrom('runs')
      .select('id')
      .where('pipeline_id', '=', pipeline.id)
      .where((eb) => eb(eb.ref('trigger_detail', '->>').key('idempotencyKey'), '=', key))
      .executeTakeFirst()
    if (existing) return { runId: existing.id, created: false, admitted: true, enqueue: [] }
    checked.triggerDetail = { ...checked.triggerDetail, idempotencyKey: key }
  }
  const limited = pipeline.max_concurrent_runs !== null || input.backfill !== undefined
  if (!limited) return insertRun(trx, pipeline, input, checked)

  const { runId } = await insertRun(trx, pipeline, input, { ...checked, admitted: false })
  let admitted = true
  if (pipeline.max_concurrent_runs !== null) {
    await lockAdmission(trx, pipeline.id)
    admitted = (await countActiveRuns(trx, pipeline.id)) < pipeline.max_concurrent_runs
  }
  if (admitted && input.backfill) {
    await lockAdmission(trx, pipeline.id)
    admitted = (await countActiveBackfillRuns(trx, input.backfill.id)) < input.backfill.concurrency
  }
  const enqueue = admitted ? await queueRootSteps(trx, runId, pipeline.id) : []
  return { runId, created: true, admitted, enqueue }
}

type DeployedPipeline = Awaited<ReturnType<typeof loadPipeline>>

async function loadPipeline(db: Db, pipelineId: string) {
  const pipeline = await db
    .selectFrom('pipelines')
    .select([
      'id',
      'product_id',
      'version',
      'steps',
      'params_schema',
      'max_concurrent_runs',
      'archived_at',
      'partitions',
    ])
    .where('id', '=', pipelineId)
    .executeTakeFirst()
  if (!pipeline) {
    throw new StewardError(
      'PIPELINE_NOT_FOUND',
      `no pipeline "${pipelineId}" is deployed; run \`steward deploy\` or check the id (\`steward list\`)`,
    )
  }
  if (pipeline.archived_at !== null) {
    throw new StewardError(
      'PIPELINE_ARCHIVED',
      `pipeline "${pipelineId}" was removed from code (archived ${pipeline.archived_at.toISOString()}); it cannot run`,
    )
  }
  return pipeline
}

interface CheckedRun {
  params: Record<string, unknown>
  partitionKey: string | null
  triggerDetail: Record<string, unknown> | null
  /** Whether the root steps start at once (`queued`) or wait for admission (`pending`). */
  admitted: boolean
}

/** Checks the params and the partition: a run that cannot be created fails before anything is written. */
function checkRun(pipeline: DeployedPipeline, input: CreateRunInput): CheckedRun {
  const params = input.params ?? {}
  if (!input.skipParamsCheck) {
    const checked =
      input.definition !== undefined
        ? checkParams(pipeline.id, input.definition.params, params)
        : checkParamsAgainstJsonSchema(pipeline.id, pipeline.params_schema, params)
    if (!checked.ok) throw checked.error
  }
  return {
    params,
    partitionKey: resolvePartitionKey(pipeline.id, pipeline.partitions, input.partitionKey),
    triggerDetail: input.triggerDetail ?? null,
    admitted: true,
  }
}

/**
 * Inserts the run and its step runs in ONE statement; when `admitted`, the root steps (no needs)
 * are `queued` in it and answered to enqueue, else every step waits `pending`.
 */
async function insertRun(
  db: Db,
  pipeline: DeployedPipeline,
  input: CreateRunInput,
  run: CheckedRun,
): Promise<CreatedRun> {
  const runId = randomUUID()
  const steps = pipeline.steps.map((step) => ({
    id: randomUUID(),
    step,
    queued: run.admitted && step.needs.length === 0,
  }))
  const runRow = {
    id: runId,
    pipeline_id: pipeline.id,
    product_id: pipeline.product_id,
    pipeline_version: pipeline.version,
    status: 'queued' as const,
    trigger: input.trigger,
    trigger_detail: run.triggerDetail === null ? null : json(run.triggerDetail),
    params: json(run.params),
    partition_key: run.partitionKey,
    backfill_id: input.backfill?.id ?? null,
  }
  if (steps.length === 0) await db.insertInto('runs').values(runRow).execute()
  else
    await db
      .with('run', (qb) => qb.insertInto('runs').values(runRow))
      .insertInto('step_runs')
      .values(
        steps.map(({ id, step, queued }) => ({
          id,
          run_id: runId,
          step_id: step.id,
          status: queued ? ('queued' as const) : ('pending' as const),
          queued_at: queued ? sql<Date>`now()` : null,
          needs: step.needs,
          max_attempts: step.retries + 1,
        })),
      )
      .execute()
  const enqueue = steps
    .filter(({ queued }) => queued)
    .map(({ id, step }) => ({
      runId,
      stepRunId: id,
      stepId: step.id,
      pipelineId: pipeline.id,
      attempt: 1,
      delayMs: 0,
    }))
  return { runId, created: true, admitted: run.admitted, enqueue }
}
