import type { OwnerRef } from '@steward/db'
import { findMissingPartitions } from '@steward/engine/control'
import { productUsageList } from '@steward/usage'
import { sql } from 'kysely'
import type { ProductStatus } from '#lib/catalog-query.ts'
import type { CatalogRowFacts } from '#lib/catalog-view.ts'
import { staleWhileRevalidate } from '../cache/stale-while-revalidate.ts'
import { staleProducts } from '../health/stale-products-check.ts'
import type { Db } from '../read-database.ts'

/** One row of the catalog: a data product as deployed, with its health, use and cost. */
export interface CatalogProduct extends CatalogRowFacts {
  freshnessMaxAgeSeconds: number | null
  /** When the newest successful run finished; null if none ever did. */
  lastSuccessAt: Date | null
  /** Seconds since the newest success (or since the product was deployed, without one). */
  ageSeconds: number
  /** Dollars as the exact decimal string `numeric` returns ("200.00"), or null without a budget. */
  budgetMonthlyUsd: string | null
  pipelineCount: number
  /** Pipelines whose newest run failed. */
  failingPipelines: number
}

interface HealthRow {
  id: string
  name: string
  description: string
  owners: OwnerRef[]
  tier: string | null
  tags: string[]
  freshness_max_age_seconds: number | null
  budget_monthly_usd: string | null
  created_at: Date
  now: Date
  last_success_at: Date | null
  pipeline_count: string | null
  failing_pipelines: string | null
}

/**
 * Every product still in code (not archived) with what the catalog shows of it. One set-based
 * query per concern, whatever the number of products: health (newest run of each pipeline
 * through `runs_pipeline_created_idx`, newest success through `runs_product_created_idx`), use
 * and cost from the usage rollups (@steward/usage `productUsageList`), alerts from the
 * notifications of the last 30 days, and the partitions past their promise.
 */
export async function listCatalogProducts(db: Db): Promise<CatalogProduct[]> {
  const [health, usage, alerts, missing] = await Promise.all([
    sql<HealthRow>`
      select p.id, p.name, p.description, p.owners, p.tier, p.tags, p.freshness_max_age_seconds,
        p.budget_monthly_usd::text as budget_monthly_usd, p.created_at, now() as now,
        (select r.finished_at from runs r
          where r.product_id = p.id and r.status = 'succeeded'
          order by r.created_at desc limit 1) as last_success_at,
        pl.pipeline_count::text as pipeline_count, pl.failing_pipelines::text as failing_pipelines
      from products p
      left join (
        select pl.product_id, count(*) as pipeline_count,
          count(*) filter (where newest.status = 'failed') as failing_pipelines
        from pipelines pl
        left join lateral (
          select r.status from runs r where r.pipeline_id = pl.id order by r.created_at desc limit 1
        ) newest on true
        where pl.archived_at is null
        group by pl.product_id
      ) pl on pl.product_id = p.id
      where p.archived_at is null`.execute(db),
    // 30-day sums move little in a minute: read at most once a minute, never waited for again.
    staleWhileRevalidate('catalog:usage', 60_000, () => productUsageList(db)),
    db
      .selectFrom('notifications')
      .select(['product_id', (eb) => eb.fn.countAll<string>().as('count')])
      .where('created_at', '>=', sql<Date>`now() - interval '30 days'`)
      .where('kind', '!=', 'delivery_problem')
      .groupBy('product_id')
      .execute(),
    findMissingPartitions(db),
  ])
  const usageById = new Map(usage.map((u) => [u.id, u]))
  const alertsById = new Map(alerts.map((a) => [a.product_id, Number(a.count)]))
  // Stale as the health check sees it: by age of the newest success, or by a missing partition.
  const staleIds = new Set([
    ...staleProducts(health.rows.filter((row) => Number(row.pipeline_count ?? 0) > 0)).map((s) => s.id),
    ...missing.map((m) => m.productId),
  ])
  return health.rows.map((row) => {
    const u = usageById.get(row.id)
    const lastSuccessAt = row.last_success_at === null ? null : new Date(row.last_success_at)
    const ageSeconds =
      (new Date(row.now).getTime() - (lastSuccessAt ?? new Date(row.created_at)).getTime()) / 1000
    const failingPipelines = Number(row.failing_pipelines ?? 0)
    const status: ProductStatus =
      failingPipelines > 0 ? 'failing' : staleIds.has(row.id) ? 'stale' : 'healthy'
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      owners: row.owners,
      tier: row.tier,
      tags: row.tags,
      status,
      freshnessMaxAgeSeconds: row.freshness_max_age_seconds,
      freshnessRatio: row.freshness_max_age_seconds ? ageSeconds / row.freshness_max_age_seconds : null,
      lastSuccessAt,
      ageSeconds,
      budgetMonthlyUsd: row.budget_monthly_usd,
      pipelineCount: Number(row.pipeline_count ?? 0),
      failingPipelines,
      users30d: u?.users30d ?? 0,
      views30d: u?.views30d ?? 0,
      cost30dUsd: u?.cost30dUsd ?? 0,
      alerts30d: alertsById.get(row.id) ?? 0,
    }
  })
}
