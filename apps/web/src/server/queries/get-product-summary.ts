import type { OwnerRef, RunStatus, StakeholderRef } from '@steward/db'
import type { Db } from '../read-database.ts'

export interface ProductPipelineRow {
  id: string
  name: string
  description: string
  scheduleCron: string | null
  scheduleTimezone: string | null
  stepCount: number
  lastRun: { id: string; status: RunStatus; createdAt: Date; finishedAt: Date | null } | null
}

export interface ProductSummary {
  id: string
  name: string
  description: string
  owners: OwnerRef[]
  stakeholders: StakeholderRef[]
  tier: string | null
  tags: string[]
  freshnessMaxAgeSeconds: number | null
  budgetMonthlyUsd: string | null
  archivedAt: Date | null
  lastSuccessAt: Date | null
  pipelines: ProductPipelineRow[]
}

/**
 * A product and its live pipelines with each one's newest run: the small product page that links
 * the catalog to the pipelines (docs, usage and cost join it later).
 */
export async function getProductSummary(db: Db, id: string): Promise<ProductSummary | undefined> {
  const product = await db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst()
  if (!product) return undefined
  const pipelines = await db
    .selectFrom('pipelines')
    .select(['id', 'name', 'description', 'schedule_cron', 'schedule_timezone', 'steps'])
    .where('product_id', '=', id)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute()
  const lastRuns = await Promise.all(
    pipelines.map((pipeline) =>
      db
        .selectFrom('runs')
        .select(['id', 'status', 'created_at', 'finished_at'])
        .where('pipeline_id', '=', pipeline.id)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ),
  )
  const lastSuccess = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('product_id', '=', id)
    .where('status', '=', 'succeeded')
    .executeTakeFirst()
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    owners: product.owners,
    stakeholders: product.stakeholders,
    tier: product.tier,
    tags: product.tags,
    freshnessMaxAgeSeconds: product.freshness_max_age_seconds,
    budgetMonthlyUsd: product.budget_monthly_usd,
    archivedAt: product.archived_at,
    lastSuccessAt: lastSuccess?.at ? new Date(lastSuccess.at) : null,
    pipelines: pipelines.map((pipeline, index) => {
      const run = lastRuns[index]
      return {
        id: pipeline.id,
        name: pipeline.name,
        description: pipeline.description,
        scheduleCron: pipeline.schedule_cron,
        scheduleTimezone: pipeline.schedule_timezone,
        stepCount: pipeline.steps.length,
        lastRun: run
          ? { id: run.id, status: run.status, createdAt: run.created_at, finishedAt: run.finished_at }
          : null,
      }
    }),
  }
}
