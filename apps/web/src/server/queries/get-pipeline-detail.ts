import type { OwnerRef, PartitionSpec, RunStatus, RunTrigger, StepRunStatus, StepSpec } from '@steward/db'
import type { Db } from '../read-database.ts'

export interface PipelineRunRow {
  id: string
  status: RunStatus
  trigger: RunTrigger
  createdAt: Date
  startedAt: Date | null
  finishedAt: Date | null
  costUsd: string | null
  /** `trigger_detail.retryOf`: the run this one retries. */
  retryOf: string | null
  /** The partition the run built, for a partitioned pipeline. */
  partitionKey: string | null
}

export interface PipelineVersionRow {
  version: number
  definitionHash: string
  deployedAt: Date
  stepCount: number
}

export interface PipelineDetail {
  id: string
  name: string
  description: string
  /** The product, with its owners: they (and admins) may run, cancel and retry. */
  product: { id: string; name: string; owners: OwnerRef[] }
  version: number
  scheduleCron: string | null
  scheduleTimezone: string | null
  triggers: unknown[]
  paramsSchema: Record<string, unknown>
  steps: StepSpec[]
  /** How runs are cut into partitions, or null for an unpartitioned pipeline. */
  partitions: PartitionSpec | null
  maxConcurrentRuns: number | null
  sourceFile: string | null
  archivedAt: Date | null
  /** Set while people paused the schedule; and who did. */
  schedulePausedAt: Date | null
  schedulePausedBy: string | null
  updatedAt: Date
  runs: PipelineRunRow[]
  versions: PipelineVersionRow[]
  /** Each step's status in the newest run, to colour the graph. */
  lastRunSteps: Record<string, StepRunStatus>
}

/** How many recent runs the pipeline page lists (newest first; the index on (pipeline_id, created_at) serves it). */
export const recentRunLimit = 30

/** A pipeline with its product, recent runs and version history; undefined for an unknown id. */
export async function getPipelineDetail(db: Db, id: string): Promise<PipelineDetail | undefined> {
  const pipeline = await db
    .selectFrom('pipelines as pl')
    .innerJoin('products as p', 'p.id', 'pl.product_id')
    .select([
      'pl.id',
      'pl.name',
      'pl.description',
      'pl.version',
      'pl.schedule_cron',
      'pl.schedule_timezone',
      'pl.triggers',
      'pl.params_schema',
      'pl.steps',
      'pl.partitions',
      'pl.max_concurrent_runs',
      'pl.source_file',
      'pl.archived_at',
      'pl.schedule_paused_at',
      'pl.schedule_paused_by',
      'pl.updated_at',
      'p.id as product_id',
      'p.name as product_name',
      'p.owners as product_owners',
    ])
    .where('pl.id', '=', id)
    .executeTakeFirst()
  if (!pipeline) return undefined

  const [runs, versions] = await Promise.all([
    db
      .selectFrom('runs')
      .select([
        'id',
        'status',
        'trigger',
        'trigger_detail',
        'created_at',
        'started_at',
        'finished_at',
        'cost_usd',
        'partition_key',
      ])
      .where('pipeline_id', '=', id)
      .orderBy('created_at', 'desc')
      .limit(recentRunLimit)
      .execute(),
    db
      .selectFrom('pipeline_versions')
      .select(['version', 'definition_hash', 'deployed_at', 'definition'])
      .where('pipeline_id', '=', id)
      .orderBy('version', 'desc')
      .limit(50)
      .execute(),
  ])
  const newest = runs[0]
  const lastRunSteps: Record<string, StepRunStatus> = {}
  if (newest) {
    const steps = await db
      .selectFrom('step_runs')
      .select(['step_id', 'status'])
      .where('run_id', '=', newest.id)
      .execute()
    for (const step of steps) lastRunSteps[step.step_id] = step.status
  }

  return {
    id: pipeline.id,
    name: pipeline.name,
    description: pipeline.description,
    product: { id: pipeline.product_id, name: pipeline.product_name, owners: pipeline.product_owners },
    version: pipeline.version,
    scheduleCron: pipeline.schedule_cron,
    scheduleTimezone: pipeline.schedule_timezone,
    triggers: pipeline.triggers,
    paramsSchema: pipeline.params_schema,
    steps: pipeline.steps,
    partitions: pipeline.partitions,
    maxConcurrentRuns: pipeline.max_concurrent_runs,
    sourceFile: pipeline.source_file,
    archivedAt: pipeline.archived_at,
    schedulePausedAt: pipeline.schedule_paused_at,
    schedulePausedBy: pipeline.schedule_paused_by,
    updatedAt: pipeline.updated_at,
    runs: runs.map((run) => ({
      id: run.id,
      status: run.status,
      trigger: run.trigger,
      createdAt: run.created_at,
      startedAt: run.started_at,
      finishedAt: run.finished_at,
      costUsd: run.cost_usd,
      retryOf: typeof run.trigger_detail?.retryOf === 'string' ? run.trigger_detail.retryOf : null,
      partitionKey: run.partition_key,
    })),
    versions: versions.map((version) => ({
      version: version.version,
      definitionHash: version.definition_hash,
      deployedAt: version.deployed_at,
      stepCount: Array.isArray((version.definition as { steps?: unknown }).steps)
        ? (version.definition as { steps: unknown[] }).steps.length
        : 0,
    })),
    lastRunSteps,
  }
}
