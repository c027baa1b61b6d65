import type { PartitionSpec } from '@steward/db'
import { StewardError } from '@steward/kernel'
import type { Partition } from '@steward/pipelines'
import { partitionOf, scheduledPartitions } from '@steward/pipelines'

/**
 * The partition key a new run gets: the one asked for, checked against the pipeline's scheme; for
 * a time-partitioned pipeline asked for none, the latest complete window (what a schedule builds).
 * A static scheme needs a key; a pipeline without partitions takes none.
 */
export function resolvePartitionKey(
  pipelineId: string,
  scheme: PartitionSpec | null,
  requested: string | undefined,
  now = new Date(),
): string | null {
  if (scheme === null) {
    if (requested === undefined) return null
    throw new StewardError(
      'PARTITION_INVALID',
      `pipeline ${pipelineId} has no partitions, so it cannot run partition "${requested}"; declare partitions in its definition or leave the partition out`,
    )
  }
  if (requested === undefined) {
    const latest = scheme.kind === 'time' ? scheduledPartitions(scheme, now)[0] : undefined
    if (latest) return latest.key
    throw new StewardError(
      'PARTITION_REQUIRED',
      scheme.kind === 'static'
        ? `pipeline ${pipelineId} is partitioned by key: name one with --partition (${scheme.keys.join(', ')})`
        : `pipeline ${pipelineId}: no partition is complete yet (the first is "${scheme.start}"); name one with --partition`,
    )
  }
  const found = partitionOf(scheme, requested)
  if (typeof found === 'string' || found === undefined)
    throw new StewardError('PARTITION_INVALID', `pipeline ${pipelineId} › partition: ${found}`)
  return found.key
}

/** What `ctx.partition` holds for a run: its key looked up in the scheme, or undefined. */
export function runPartition(
  scheme: PartitionSpec | null | undefined,
  key: string | null,
): Partition | undefined {
  if (!scheme || key === null) return undefined
  const found = partitionOf(scheme, key)
  return typeof found === 'string' ? undefined : found
}
