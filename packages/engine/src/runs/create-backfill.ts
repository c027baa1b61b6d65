import { randomUUID } from 'node:crypto'
import { type BackfillMode, json } from '@steward/db'
import { StewardError } from '@steward/kernel'
import { partitionsBetween } from '@steward/pipelines'
import { enqueueSteps, type RuntimeQueue, type StepToEnqueue } from '../queue/runtime-queue.ts'
import { chunks } from '../store/chunks.ts'
import type { Db } from '../store/db.ts'
import { countActiveRuns, lockAdmission, queueRootSteps } from './admit-runs.ts'
import { checkParamsAgainstJsonSchema } from './params.ts'

export interface CreateBackfillInput {
  pipelineId: string
  /** First and last partition keys, both included (static schemes: omit for every key). */
  from?: string
  to?: string
  mode?: BackfillMode
  /** Runs of this backfill at once. Default 4. */
  concurrency?: number
  /** Also rerun the pipelines that follow this one, with the mapped partitions, in dependency order. */
  withDownstream?: boolean
  params?: Record<string, unknown>
}

export interface CreatedBackfill {
  backfillId: string
  /** Partition keys that got a run, in order. */
  partitions: string[]
  /** First steps of the runs admitted now: enqueue after commit (`startBackfill` does). */
  enqueue: StepToEnqueue[]
}

/**
 * Creates a backfill in one transaction: the backfill row and one run per partition in range
 * (filtered by `mode`), of which `concurrency` are admitted now; each run that ends admits the next
 * (see `admitWaitingRuns`). Every run exists in SQL from the start, so an interrupted CLI loses
 * nothing: the workers carry on, and `steward backfill --follow <id>` picks the progress up again.
 */
export async function createBackfill(db: Db, input: CreateBackfillInput): Promise<CreatedBackfill> {
  const concurrency = input.concurrency ?? 4
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new StewardError(
      'BACKFILL_INVALID',
      `--concurrency must be a whole number above 0, got ${concurrency}`,
    )
  return db.transaction().execute(async (trx) => {
    const pipeline = await trx
      .selectFrom('pipelines')
      .select(['id', 'partitions', 'archived_at'])
      .where('id', '=', input.pipelineId)
      .executeTakeFirst()
    if (!pipeline || pipeline.archived_at !== null)
      throw new StewardError(
        'PIPELINE_NOT_FOUND',
        `no pipeline "${input.pipelineId}" is deployed; run \`steward deploy\` or check the id (\`steward list\`)`,
      )
    if (pipeline.partitions === null)
      throw new StewardError(
        'BACKFILL_INVALID',
        `pipeline ${pipeline.id} has no partitions, so it has nothing to backfill; declare partitions (dailyPartitions(…)) in its definition`,
      )
    const range = partitionsBetween(pipeline.partitions, input.from, input.to)
    if (typeof range === 'string' || range === undefined)
      throw new StewardError('PARTITION_INVALID', `pipeline ${pipeline.id} › backfill range: ${range}`)
    const mode = input.mode ?? 'all'
    const keys = await selectPartitions(
      trx,
      pipeline.id,
      range.map((p) => p.key),
      mode,
    )
    const backfillId = randomUUID()
    await trx
      .insertInto('backfills')
      .values({
        id: backfillId,
        pipeline_id: pipeline.id,
        range_from: input.from ?? null,
        range_to: input.to ?? null,
        mode,
        concurrency,
        with_downstream: input.withDownstream ?? false,
        partition_count: keys.length,
        ...(keys.length === 0 ? { status: 'succeeded' as const, finished_at: new Date() } : {}),
      })
      .execute()
    const enqueue = await insertBackfillRuns(
      trx,
      pipeline.id,
      backfillId,
      keys,
      input.params ?? {},
      concurrency,
    )
    return { backfillId, partitions: keys, enqueue }
  })
}

/** `createBackfill`, then the jobs of the runs it admitted. */
export async function startBackfill(
  db: Db,
  queue: RuntimeQueue,
  input: CreateBackfillInput,
): Promise<CreatedBackfill> {
  const created = await createBackfill(db, input)
  await enqueueSteps(queue, created.enqueue)
  return created
}

/** The keys of `range` that `mode` keeps, judged by each partition's runs so far. */
async function selectPartitions(
  trx: Db,
  pipelineId: string,
  range: string[],
  mode: BackfillMode,
): Promise<string[]> {
  if (mode === 'all' || range.length === 0) return range
  const latest = await trx
    .selectFrom('runs')
    .select(['partition_key', 'status'])
    .distinctOn('partition_key')
    .where('pipeline_id', '=', pipelineId)
    .where('partition_key', 'in', range)
    .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
    .orderBy('partition_key')
    .orderBy('created_at', 'desc')
    .execute()
  const status = new Map(latest.map((row) => [row.partition_key, row.status]))
  if (mode === 'only-failed') return range.filter((key) => status.get(key) === 'failed')
  const everSucceeded = await trx
    .selectFrom('runs')
    .select('partition_key')
    .distinct()
    .where('pipeline_id', '=', pipelineId)
    .where('partition_key', 'in', range)
    .where('status', '=', 'succeeded')
    .execute()
  const done = new Set(everSucceeded.map((row) => row.partition_key))
  return range.filter((key) => !done.has(key))
}

/**
 * The runs of a backfill, written in a few multi-row statements (365 partitions are 2 inserts, not
 * 730), then its first `concurrency` runs admitted (fewer if the pipeline's `maxConcurrentRuns` is
 * nearly used up). The same rows `createRunIn` writes for one run.
 */
async function insertBackfillRuns(
  trx: Db,
  pipelineId: string,
  backfillId: string,
  keys: readonly string[],
  params: Record<string, unknown>,
  concurrency: number,
): Promise<StepToEnqueue[]> {
  if (keys.length === 0) return []
  const pipeline = await trx
    .selectFrom('pipelines')
    .select(['id', 'product_id', 'version', 'steps', 'params_schema', 'max_concurrent_runs'])
    .where('id', '=', pipelineId)
    .executeTakeFirstOrThrow()
  const checked = checkParamsAgainstJsonSchema(pipeline.id, pipeline.params_schema, params)
  if (!checked.ok) throw checked.error
  const runs = keys.map((key) => ({ id: randomUUID(), key }))
  for (const chunk of chunks(runs)) {
    await trx
      .insertInto('runs')
      .values(
        chunk.map((run) => ({
          id: run.id,
          pipeline_id: pipeline.id,
          product_id: pipeline.product_id,
          pipeline_version: pipeline.version,
          status: 'queued' as const,
          trigger: 'backfill' as const,
          trigger_detail: json({ backfillId }),
          params: json(params),
          partition_key: run.key,
          backfill_id: backfillId,
        })),
      )
      .execute()
  }
  const stepRows = runs.flatMap((run) =>
    pipeline.steps.map((step) => ({
      id: randomUUID(),
      run_id: run.id,
      step_id: step.id,
      status: 'pending' as const,
      needs: step.needs,
      max_attempts: step.retries + 1,
    })),
  )
  for (const chunk of chunks(stepRows, 2_000)) await trx.insertInto('step_runs').values(chunk).execute()
  await lockAdmission(trx, pipeline.id)
  const pipelineFree =
    pipeline.max_concurrent_runs === null
      ? concurrency
      : pipeline.max_concurrent_runs - (await countActiveRuns(trx, pipeline.id))
  const enqueue: StepToEnqueue[] = []
  for (const run of runs.slice(0, Math.max(0, Math.min(concurrency, pipelineFree))))
    enqueue.push(...(await queueRootSteps(trx, run.id, pipeline.id)))
  return enqueue
}
