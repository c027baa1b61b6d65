import { randomUUID } from 'node:crypto'
import { type Database, json, type OwnerRef } from '@steward/db'
import type { AlertRule } from '@steward/pipelines/rules'
import type { Kysely } from 'kysely'

/**
 * Tests only: catalog rows and finished runs written straight to SQL, the way the deploy and the
 * runtime leave them, so evaluator tests need neither user code nor a worker.
 */
export async function seedProduct(
  db: Kysely<Database>,
  product: {
    id: string
    name?: string
    /** A Slack destination (`'#team'`, team `data`), or a whole owner (mentions…). */
    owners?: (string | OwnerRef)[]
    stakeholders?: string[]
    alerts?: AlertRule[]
    freshnessSeconds?: number
    createdAt?: Date
  },
): Promise<void> {
  await db
    .insertInto('products')
    .values({
      id: product.id,
      name: product.name ?? product.id,
      owners: json(
        (product.owners ?? [`#${product.id}`]).map((owner) =>
          typeof owner === 'string' ? { team: 'data', slack: owner } : owner,
        ),
      ),
      stakeholders: json((product.stakeholders ?? []).map((slack) => ({ name: 'people', slack }))),
      links: json([]),
      alert_rules: json(product.alerts ?? []),
      freshness_max_age_seconds: product.freshnessSeconds ?? null,
      definition_hash: 'seed',
      ...(product.createdAt ? { created_at: product.createdAt } : {}),
    })
    .execute()
}

export async function seedPipeline(
  db: Kysely<Database>,
  pipeline: {
    id: string
    productId: string
    alerts?: AlertRule[]
    steps?: string[]
    createdAt?: Date
    schedule?: { cron: string; timezone: string }
  },
): Promise<void> {
  await db
    .insertInto('pipelines')
    .values({
      id: pipeline.id,
      product_id: pipeline.productId,
      name: pipeline.id,
      definition_hash: 'seed',
      version: 1,
      triggers: json([]),
      params_schema: json({}),
      steps: json(
        (pipeline.steps ?? ['main']).map((id) => ({
          id,
          needs: [],
          retries: 0,
          backoffType: 'fixed',
          backoffMs: 0,
          timeoutMs: null,
          codeHash: '',
        })),
      ),
      alert_rules: json(pipeline.alerts ?? []),
      schedule_cron: pipeline.schedule?.cron ?? null,
      schedule_timezone: pipeline.schedule?.timezone ?? null,
      ...(pipeline.createdAt ? { created_at: pipeline.createdAt } : {}),
    })
    .execute()
}

/** A finished run with one step run per entry of `steps` (`step id → status`). */
export async function seedRun(
  db: Kysely<Database>,
  run: {
    pipelineId: string
    productId: string
    status: 'succeeded' | 'failed'
    steps?: Record<string, 'succeeded' | 'failed'>
    finishedAt?: Date
    metrics?: { step: string; name: string; value: number; at: Date; labels?: Record<string, string> }[]
  },
): Promise<string> {
  // One transaction, as the runtime writes a run with its step runs: the evaluator never sees half.
  return db.transaction().execute((trx) => insertRun(trx, run))
}

/** Many finished runs in one transaction (a storm arriving at once). */
export async function seedRuns(
  db: Kysely<Database>,
  runs: readonly Parameters<typeof seedRun>[1][],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const run of runs) await insertRun(trx, run)
  })
}

async function insertRun(db: Kysely<Database>, run: Parameters<typeof seedRun>[1]): Promise<string> {
  const id = randomUUID()
  const finishedAt = run.finishedAt ?? new Date()
  await db
    .insertInto('runs')
    .values({
      id,
      pipeline_id: run.pipelineId,
      product_id: run.productId,
      pipeline_version: 1,
      status: run.status,
      trigger: 'manual',
      params: json({}),
      error: run.status === 'failed' ? json({ message: 'boom', code: 'STEP_FAILED' }) : null,
      created_at: finishedAt,
      started_at: finishedAt,
      finished_at: finishedAt,
    })
    .execute()
  const stepIds = new Map<string, string>()
  for (const [stepId, status] of Object.entries(run.steps ?? {})) {
    const stepRunId = randomUUID()
    stepIds.set(stepId, stepRunId)
    await db
      .insertInto('step_runs')
      .values({
        id: stepRunId,
        run_id: id,
        step_id: stepId,
        status,
        max_attempts: 1,
        error: status === 'failed' ? json({ message: `${stepId} broke` }) : null,
        finished_at: finishedAt,
      })
      .execute()
  }
  const metrics = (run.metrics ?? []).map((metric) => ({
    run_id: id,
    step_run_id: stepIds.get(metric.step) ?? null,
    pipeline_id: run.pipelineId,
    product_id: run.productId,
    name: metric.name,
    value: metric.value,
    labels: json(metric.labels ?? {}),
    recorded_at: metric.at,
  }))
  if (metrics.length > 0) await db.insertInto('metrics').values(metrics).execute()
  return id
}
