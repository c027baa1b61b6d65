import { randomUUID } from 'node:crypto'
import { json, type RunTrigger, StewardError } from '@steward/db'
import type { Pipeline } from '../definitions/pipeline.ts'
import { countActiveBackfillRuns, countActiveRuns, lockAdmission, queueRootSteps } from './admit-runs.ts'
import type { Db } from './db.ts'
import { checkParams, checkParamsAgainstJsonSchema } from './params.ts'
import { enqueueSteps, type RuntimeQueue, type StepToEnqueue } from './queues.ts'
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
  return db.transaction().execute((trx) => createRunIn(trx, input))
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
  const pipeline = await trx
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
    .where('id', '=', input.pipelineId)
    .executeTakeFirst()
  if (!pipeline) {
    throw new StewardError(
      'PIPELINE_NOT_FOUND',
      `no pipeline "${input.pipelineId}" is deployed; run \`steward deploy\` or check the id (\`steward list\`)`,
    )
  }
  if (pipeline.archived_at !== null) {
    throw new StewardError(
      'PIPELINE_ARCHIVED',
      `pipeline "${input.pipelineId}" was removed from code (archived ${pipeline.archived_at.toISOString()}); it cannot run`,
    )
  }
  const params = input.params ?? {}
  if (!input.skipParamsCheck) {
    const checked =
      input.definition !== undefined
        ? checkParams(pipeline.id, input.definition.params, params)
        : checkParamsAgainstJsonSchema(pipeline.id, pipeline.params_schema, params)
    if (!checked.ok) throw checked.error
  }

  const partitionKey = resolvePartitionKey(pipeline.id, pipeline.partitions, input.partitionKey)

  let triggerDetail = input.triggerDetail ?? null
  if (input.idempotencyKey !== undefined) {
    const key = input.idempotencyKey
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
    triggerDetail = { ...triggerDetail, idempotencyKey: key }
  }

  const runId = randomUUID()
  await trx
    .insertInto('runs')
    .values({
      id: runId,
      pipeline_id: pipeline.id,
      product_id: pipeline.product_id,
      pipeline_version: pipeline.version,
      status: 'queued',
      trigger: input.trigger,
      trigger_detail: triggerDetail === null ? null : json(triggerDetail),
      params: json(params),
      partition_key: partitionKey,
      backfill_id: input.backfill?.id ?? null,
    })
    .execute()
  if (pipeline.steps.length > 0) {
    await trx
      .insertInto('step_runs')
      .values(
        pipeline.steps.map((step) => ({
          id: randomUUID(),
          run_id: runId,
          step_id: step.id,
          status: 'pending' as const,
          needs: step.needs,
          max_attempts: step.retries + 1,
        })),
      )
      .execute()
  }

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
