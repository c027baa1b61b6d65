import type { PartitionSpec } from '@steward/db'
import { latestCompletePartition } from '@steward/pipelines'
import type { Db } from '../store/db.ts'

/** A time partition that should have been built by now and has no successful run. */
export interface MissingPartition {
  pipelineId: string
  productId: string
  key: string
  /** When it became overdue: its window's end plus the product's freshness promise. */
  dueAt: Date
}

/**
 * Freshness judged per partition: for each live time-partitioned pipeline of a product with a
 * freshness promise, the newest partition whose window ended at least `maxAge` ago must have a
 * successful run. A pipeline that succeeds every day but skipped one day is stale for that day,
 * which "newest success within maxAge" cannot see. Partitions before the scheme's start, or
 * before the pipeline was first deployed, are not expected.
 */
export async function findMissingPartitions(db: Db, now = new Date()): Promise<MissingPartition[]> {
  const pipelines = await db
    .selectFrom('pipelines as pl')
    .innerJoin('products as p', 'p.id', 'pl.product_id')
    .select(['pl.id', 'pl.product_id', 'pl.partitions', 'pl.created_at', 'p.freshness_max_age_seconds'])
    .where('pl.archived_at', 'is', null)
    .where('p.archived_at', 'is', null)
    .where('pl.partitions', 'is not', null)
    .where('p.freshness_max_age_seconds', 'is not', null)
    .execute()
  const due: { pipelineId: string; productId: string; key: string; dueAt: Date }[] = []
  for (const pipeline of pipelines) {
    const scheme: PartitionSpec | null = pipeline.partitions
    const maxAgeMs = (pipeline.freshness_max_age_seconds ?? 0) * 1000
    if (scheme?.kind !== 'time') continue
    // The newest window that ended `maxAge` ago: the one that must exist by now.
    const partition = latestCompletePartition(scheme, new Date(now.getTime() - maxAgeMs))
    if (!partition || partition.end <= pipeline.created_at) continue
    due.push({
      pipelineId: pipeline.id,
      productId: pipeline.product_id,
      key: partition.key,
      dueAt: new Date(partition.end.getTime() + maxAgeMs),
    })
  }
  if (due.length === 0) return []
  const built = await db
    .selectFrom('runs')
    .select(['pipeline_id', 'partition_key'])
    .distinct()
    .where('status', '=', 'succeeded')
    .where((eb) =>
      eb.or(due.map((d) => eb.and([eb('pipeline_id', '=', d.pipelineId), eb('partition_key', '=', d.key)]))),
    )
    .execute()
  const done = new Set(built.map((row) => `${row.pipeline_id}\u0000${row.partition_key}`))
  return due.filter((d) => !done.has(`${d.pipelineId}\u0000${d.key}`))
}
