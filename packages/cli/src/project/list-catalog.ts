import type { Database, RunStatus } from '@steward/db'
import type { Kysely } from 'kysely'

export interface ListedProduct {
  id: string
  name: string
  owners: string[]
  pipelines: ListedPipeline[]
}

export interface ListedPipeline {
  id: string
  version: number
  /** `0 6 * * 1 (Asia/Seoul)`, or null without a schedule. */
  schedule: string | null
  /** When people paused the schedule (`steward schedules pause`, the UI, the API), else null. */
  schedulePausedAt: Date | null
  lastRun: { status: RunStatus; at: Date } | null
}

/** Every deployed (not archived) product with its pipelines and each pipeline's latest run. */
export async function listCatalog(db: Kysely<Database>): Promise<ListedProduct[]> {
  const products = await db
    .selectFrom('products')
    .select(['id', 'name', 'owners'])
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute()
  const pipelines = await db
    .selectFrom('pipelines as p')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('runs')
          .select(['status', 'created_at'])
          .whereRef('runs.pipeline_id', '=', 'p.id')
          .orderBy('created_at', 'desc')
          .limit(1)
          .as('last'),
      (join) => join.onTrue(),
    )
    .select([
      'p.id',
      'p.product_id',
      'p.version',
      'p.schedule_cron',
      'p.schedule_timezone',
      'p.schedule_paused_at',
      'last.status',
      'last.created_at',
    ])
    .where('p.archived_at', 'is', null)
    .orderBy('p.id')
    .execute()
  return products.map((product) => ({
    id: product.id,
    name: product.name,
    owners: product.owners.map((o) => o.team ?? o.name ?? o.slack),
    pipelines: pipelines
      .filter((p) => p.product_id === product.id)
      .map((p) => ({
        id: p.id,
        version: p.version,
        schedule: p.schedule_cron ? `${p.schedule_cron} (${p.schedule_timezone ?? 'UTC'})` : null,
        schedulePausedAt: p.schedule_cron ? p.schedule_paused_at : null,
        lastRun: p.status && p.created_at ? { status: p.status, at: p.created_at } : null,
      })),
  }))
}
