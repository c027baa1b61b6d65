import type { OwnerRef } from '@steward/db'
import type { Db } from '../read-database.ts'

/** One row of the catalog: a data product as deployed, with its number of live pipelines. */
export interface CatalogProduct {
  id: string
  name: string
  description: string
  owners: OwnerRef[]
  tier: string | null
  tags: string[]
  freshnessMaxAgeSeconds: number | null
  /** Dollars as the exact decimal string `numeric` returns ("200.00"), or null without a budget. */
  budgetMonthlyUsd: string | null
  pipelineCount: number
  updatedAt: Date
}

/** Every product still in code (not archived), by name, with its non-archived pipelines counted. */
export async function listCatalogProducts(db: Db): Promise<CatalogProduct[]> {
  const rows = await db
    .selectFrom('products as p')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('pipelines')
          .select((eb) => ['product_id', eb.fn.countAll<string>().as('count')])
          .where('archived_at', 'is', null)
          .groupBy('product_id')
          .as('pc'),
      (join) => join.onRef('pc.product_id', '=', 'p.id'),
    )
    .select([
      'p.id',
      'p.name',
      'p.description',
      'p.owners',
      'p.tier',
      'p.tags',
      'p.freshness_max_age_seconds',
      'p.budget_monthly_usd',
      'p.updated_at',
      'pc.count as pipeline_count',
    ])
    .where('p.archived_at', 'is', null)
    .orderBy('p.name')
    .orderBy('p.id')
    .execute()

  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    owners: row.owners,
    tier: row.tier,
    tags: row.tags,
    freshnessMaxAgeSeconds: row.freshness_max_age_seconds,
    budgetMonthlyUsd: row.budget_monthly_usd,
    // count(*) is a bigint, which `pg` returns as a string.
    pipelineCount: Number(row.pipeline_count ?? 0),
    updatedAt: row.updated_at,
  }))
}
