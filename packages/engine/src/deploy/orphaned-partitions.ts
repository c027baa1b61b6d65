import type { PartitionSpec, StewardDb } from '@steward/db'
import { partitionOf } from '@steward/pipelines'

type Db = StewardDb['db']

/**
 * Partition keys that runs of a pipeline already built and that a new scheme would not recognise
 * (a daily scheme turned weekly, a later start, a static key dropped, partitions removed). Deploy
 * refuses such a change unless forced: backfills and partition status would lose those partitions.
 */
export async function orphanedPartitions(
  trx: Db,
  pipelineId: string,
  scheme: PartitionSpec | null,
): Promise<string[]> {
  const rows = await trx
    .selectFrom('runs')
    .select('partition_key')
    .distinct()
    .where('pipeline_id', '=', pipelineId)
    .where('partition_key', 'is not', null)
    .orderBy('partition_key')
    .execute()
  const keys = rows.flatMap((row) => (row.partition_key === null ? [] : [row.partition_key]))
  if (scheme === null) return keys
  return keys.filter((key) => typeof partitionOf(scheme, key) === 'string')
}
