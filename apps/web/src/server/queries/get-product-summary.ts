import type { DocLink, OwnerRef, RunStatus, StakeholderRef } from '@steward/db'
import { sql } from 'kysely'
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
  links: DocLink[]
  /** The product's docs file as deployed (GitHub-flavoured markdown), or null without one. */
  docsMarkdown: string | null
  docsPath: string | null
  tier: string | null
  tags: string[]
  freshnessMaxAgeSeconds: number | null
  budgetMonthlyUsd: string | null
  archivedAt: Date | null
  lastSuccessAt: Date | null
  pipelines: ProductPipelineRow[]
}

/** A product as deployed (docs, owners, links) and its live pipelines with each one's newest run. */
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
  // One query for every pipeline's newest run (runs_pipeline_created_idx), and the newest success
  // by creation through runs_product_created_idx rather than max(finished_at) over all of them.
  const [lastRuns, lastSuccess] = await Promise.all([
    pipelines.length === 0
      ? Promise.resolve([])
      : sql<{
          pipeline_id: string
          id: string
          status: RunStatus
          created_at: Date
          finished_at: Date | null
        }>`
          select pl.id as pipeline_id, r.id, r.status, r.created_at, r.finished_at
          from pipelines pl
          cross join lateral (
            select id, status, created_at, finished_at from runs
            where pipeline_id = pl.id order by created_at desc limit 1
          ) r
          where pl.product_id = ${id} and pl.archived_at is null`
          .execute(db)
          .then((result) => result.rows),
    db
      .selectFrom('runs')
      .select('finished_at as at')
      .where('product_id', '=', id)
      .where('status', '=', 'succeeded')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ])
  const runByPipeline = new Map(lastRuns.map((run) => [run.pipeline_id, run]))
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    owners: product.owners,
    stakeholders: product.stakeholders,
    links: product.links,
    docsMarkdown: product.docs_markdown,
    docsPath: product.docs_path,
    tier: product.tier,
    tags: product.tags,
    freshnessMaxAgeSeconds: product.freshness_max_age_seconds,
    budgetMonthlyUsd: product.budget_monthly_usd,
    archivedAt: product.archived_at,
    lastSuccessAt: lastSuccess?.at ? new Date(lastSuccess.at) : null,
    pipelines: pipelines.map((pipeline) => {
      const run = runByPipeline.get(pipeline.id)
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
