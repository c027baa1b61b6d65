import type {
  AttemptStatus,
  ErrorInfo,
  LogLevel,
  OwnerRef,
  RunStatus,
  RunTrigger,
  StepRunStatus,
  StepSpec,
} from '@steward/db'
import { uuid } from '#server/api/path-id.ts'
import type { Db } from '../read-database.ts'

export interface RunAttemptRow {
  id: string
  number: number
  status: AttemptStatus
  workerId: string | null
  startedAt: Date
  finishedAt: Date | null
  error: ErrorInfo | null
}

export interface RunLogRow {
  id: string
  attemptId: string | null
  level: LogLevel
  message: string
  fields: Record<string, unknown> | null
  at: Date
}

export interface RunMetricRow {
  id: string
  name: string
  value: number
  labels: Record<string, string>
}

export interface RunStepRow {
  id: string
  stepId: string
  status: StepRunStatus
  needs: string[]
  attemptCount: number
  maxAttempts: number
  output: unknown
  error: ErrorInfo | null
  queuedAt: Date | null
  startedAt: Date | null
  finishedAt: Date | null
  attempts: RunAttemptRow[]
  logs: RunLogRow[]
  metrics: RunMetricRow[]
  costUsd: number
}

export interface RunDetail {
  id: string
  pipeline: { id: string; name: string; archived: boolean; steps: StepSpec[] }
  /** The product, with its owners: they (and admins) may run, cancel and retry. */
  product: { id: string; name: string; owners: OwnerRef[] }
  pipelineVersion: number
  status: RunStatus
  trigger: RunTrigger
  triggerDetail: Record<string, unknown> | null
  params: Record<string, unknown>
  error: ErrorInfo | null
  costUsd: string | null
  createdAt: Date
  startedAt: Date | null
  finishedAt: Date | null
  cancelRequestedAt: Date | null
  steps: RunStepRow[]
  /** Runs that retry this one, newest first. */
  retries: { id: string; status: RunStatus }[]
  /** True when the log lines were cut at `logLimit`. */
  logsTruncated: boolean
  /** The database's clock when read, for "running for 12s" and the Gantt's right edge. */
  readAt: Date
}

/** Log lines one run page shows (the newest are what matter while a run fails). */
export const logLimit = 2_000

/** A run with its steps, attempts, logs, metrics and cost; undefined for an unknown (or malformed) id. */
export async function getRunDetail(db: Db, id: string): Promise<RunDetail | undefined> {
  if (!uuid.test(id)) return undefined
  const run = await db
    .selectFrom('runs as r')
    .innerJoin('pipelines as pl', 'pl.id', 'r.pipeline_id')
    .innerJoin('products as p', 'p.id', 'r.product_id')
    .selectAll('r')
    .select([
      'pl.name as pipeline_name',
      'pl.archived_at as pipeline_archived_at',
      'p.name as product_name',
      'p.owners as product_owners',
      (eb) => eb.fn<Date>('now').as('read_at'),
    ])
    .where('r.id', '=', id)
    .executeTakeFirst()
  if (!run) return undefined

  const [steps, attempts, logs, metrics, costs, version, retries] = await Promise.all([
    db.selectFrom('step_runs').selectAll().where('run_id', '=', id).execute(),
    // Through the run's step runs: attempts are indexed by step run, not by run.
    db
      .selectFrom('attempts')
      .selectAll()
      .where('step_run_id', 'in', db.selectFrom('step_runs').select('id').where('run_id', '=', id))
      .orderBy('number')
      .execute(),
    db
      .selectFrom('logs')
      .select(['id', 'step_run_id', 'attempt_id', 'level', 'message', 'fields', 'at'])
      .where('run_id', '=', id)
      .orderBy('id', 'desc')
      .limit(logLimit + 1)
      .execute(),
    db
      .selectFrom('metrics')
      .select(['id', 'step_run_id', 'name', 'value', 'labels'])
      .where('run_id', '=', id)
      .orderBy('recorded_at')
      .execute(),
    db
      .selectFrom('cost_entries')
      .select(['step_run_id', (eb) => eb.fn.sum<string>('usd').as('usd')])
      .where('run_id', '=', id)
      .groupBy('step_run_id')
      .execute(),
    db
      .selectFrom('pipeline_versions')
      .select('definition')
      .where('pipeline_id', '=', run.pipeline_id)
      .where('version', '=', run.pipeline_version)
      .executeTakeFirst(),
    db
      .selectFrom('runs')
      .select(['id', 'status'])
      .where('pipeline_id', '=', run.pipeline_id)
      .where((eb) => eb(eb.ref('trigger_detail', '->>').key('retryOf'), '=', id))
      .orderBy('created_at', 'desc')
      .limit(5)
      .execute(),
  ])
  const logsTruncated = logs.length > logLimit
  const shownLogs = logs.slice(0, logLimit).reverse()
  const costByStep = new Map(costs.map((row) => [row.step_run_id, Number(row.usd ?? 0)]))
  const specs = ((version?.definition as { steps?: StepSpec[] } | undefined)?.steps ?? []) as StepSpec[]

  return {
    id: run.id,
    pipeline: {
      id: run.pipeline_id,
      name: run.pipeline_name,
      archived: run.pipeline_archived_at !== null,
      steps: specs,
    },
    product: { id: run.product_id, name: run.product_name, owners: run.product_owners },
    pipelineVersion: run.pipeline_version,
    status: run.status,
    trigger: run.trigger,
    triggerDetail: run.trigger_detail,
    params: run.params,
    error: run.error,
    costUsd: run.cost_usd,
    createdAt: run.created_at,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    cancelRequestedAt: run.cancel_requested_at,
    readAt: new Date(run.read_at),
    logsTruncated,
    retries,
    steps: steps.map((step) => ({
      id: step.id,
      stepId: step.step_id,
      status: step.status,
      needs: step.needs,
      attemptCount: step.attempt_count,
      maxAttempts: step.max_attempts,
      output: step.output,
      error: step.error,
      queuedAt: step.queued_at,
      startedAt: step.started_at,
      finishedAt: step.finished_at,
      attempts: attempts
        .filter((attempt) => attempt.step_run_id === step.id)
        .map((attempt) => ({
          id: attempt.id,
          number: attempt.number,
          status: attempt.status,
          workerId: attempt.worker_id,
          startedAt: attempt.started_at,
          finishedAt: attempt.finished_at,
          error: attempt.error,
        })),
      logs: shownLogs
        .filter((log) => log.step_run_id === step.id)
        .map((log) => ({
          id: log.id,
          attemptId: log.attempt_id,
          level: log.level,
          message: log.message,
          fields: log.fields,
          at: log.at,
        })),
      metrics: metrics
        .filter((metric) => metric.step_run_id === step.id)
        .map((metric) => ({ id: metric.id, name: metric.name, value: metric.value, labels: metric.labels })),
      costUsd: costByStep.get(step.id) ?? 0,
    })),
  }
}
