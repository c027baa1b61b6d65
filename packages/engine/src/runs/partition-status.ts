import type { RunStatus } from '@steward/db'
import type { Db } from '../store/db.ts'

/** Where one partition stands: its latest run, with that run's cost and metrics. */
export interface PartitionStatus {
  key: string
  runId: string
  status: RunStatus
  createdAt: Date
  finishedAt: Date | null
  costUsd: number | null
  /** The latest run's metrics, summed by name over its steps. */
  metrics: Record<string, number>
}

/**
 * The latest run of every partition a pipeline has built, newest key first (the web page's
 * partition grid, `steward backfill --only-missing`, per-partition freshness).
 */
export async function getPartitionStatuses(
  db: Db,
  pipelineId: string,
  options: { limit?: number; keys?: readonly string[] } = {},
): Promise<PartitionStatus[]> {
  if (options.keys?.length === 0) return []
  const latest = await db
    .selectFrom('runs')
    .select(['partition_key', 'id', 'status', 'created_at', 'finished_at', 'cost_usd'])
    .distinctOn('partition_key')
    .where('pipeline_id', '=', pipelineId)
    .where('partition_key', 'is not', null)
    .$if(options.keys !== undefined, (qb) => qb.where('partition_key', 'in', options.keys ?? []))
    .orderBy('partition_key', 'desc')
    .orderBy('created_at', 'desc')
    .limit(options.limit ?? 1_000)
    .execute()
  if (latest.length === 0) return []
  const metrics = await db
    .selectFrom('metrics')
    .select(['run_id', 'name', (eb) => eb.fn.sum<string>('value').as('total')])
    .where(
      'run_id',
      'in',
      latest.map((row) => row.id),
    )
    .groupBy(['run_id', 'name'])
    .execute()
  return latest.map((row) => ({
    key: row.partition_key ?? '',
    runId: row.id,
    status: row.status,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
    metrics: Object.fromEntries(
      metrics.filter((m) => m.run_id === row.id).map((m) => [m.name, Number(m.total)]),
    ),
  }))
}
