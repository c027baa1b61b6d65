import type { Partition, PartitionScheme, TimePartition } from './partition-scheme.ts'
import {
  type KeyProblem,
  latestCompletePartition,
  nextTimePartition,
  recentTimePartitions,
  timePartition,
  timePartitionAt,
  timePartitionsBetween,
} from './time-partitions.ts'

/**
 * One face over both kinds of scheme, for the runtime, the CLI and the web app: look a key up,
 * list a range, pick what a schedule builds, and map partitions across pipelines.
 */

/** The partition a key names, or why it is not one of the scheme. */
export function partitionOf(scheme: PartitionScheme, key: string): Partition | KeyProblem {
  if (scheme.kind === 'time') return timePartition(scheme, key)
  if (scheme.keys.includes(key)) return { key }
  return `"${key}" is not one of the partitions: ${scheme.keys.map((k) => `"${k}"`).join(', ')}`
}

/**
 * Partitions from `from` to `to`, both included, in order. Static keys keep the order they were
 * declared in; without bounds, every static key (a time scheme needs both bounds).
 */
export function partitionsBetween(
  scheme: PartitionScheme,
  from: string | undefined,
  to: string | undefined,
): Partition[] | KeyProblem {
  if (scheme.kind === 'time') {
    if (from === undefined || to === undefined) return 'a time-partitioned range needs --from and --to'
    return timePartitionsBetween(scheme, from, to)
  }
  const first = from === undefined ? 0 : scheme.keys.indexOf(from)
  const last = to === undefined ? scheme.keys.length - 1 : scheme.keys.indexOf(to)
  if (first < 0 && from !== undefined) return partitionOf(scheme, from) as KeyProblem
  if (last < 0 && to !== undefined) return partitionOf(scheme, to) as KeyProblem
  if (last < first) return `"${to}" comes before "${from}" in the partition list`
  return scheme.keys.slice(first, last + 1).map((key) => ({ key }))
}

/**
 * What a scheduled run builds: the latest complete time window, or every static key (one run each).
 * Empty before the first time partition is complete.
 */
export function scheduledPartitions(scheme: PartitionScheme, now: Date): Partition[] {
  if (scheme.kind === 'static') return scheme.keys.map((key) => ({ key }))
  const latest = latestCompletePartition(scheme, now)
  return latest ? [latest] : []
}

/** The newest `count` complete time partitions (oldest first), or every static key. */
export function recentPartitions(scheme: PartitionScheme, now: Date, count: number): Partition[] {
  if (scheme.kind === 'static') return scheme.keys.map((key) => ({ key }))
  return recentTimePartitions(scheme, now, count)
}

/**
 * The partitions of `to` that a partition of `from` maps onto: time windows that overlap (the
 * seven days of a week, the week a day falls in), or the same static key. Partitions before the
 * target scheme's start do not exist and are left out.
 */
export function mapPartition(from: PartitionScheme, partition: Partition, to: PartitionScheme): Partition[] {
  if (to.kind === 'static')
    return from.kind === 'static' && to.keys.includes(partition.key) ? [partition] : []
  if (from.kind !== 'time' || !('start' in partition)) return []
  const out: TimePartition[] = []
  for (
    let at = timePartitionAt(to, partition.start);
    at.start < partition.end;
    at = nextTimePartition(to, at)
  ) {
    if (at.end > partition.start && at.key >= to.start) out.push(at)
  }
  return out
}

/** Whether partitions of one scheme can be mapped onto another's (time↔time, static↔static). */
export function canMap(from: PartitionScheme, to: PartitionScheme): boolean {
  return from.kind === to.kind
}

/** A partition as JSON for SQL and APIs: instants as ISO strings. */
export function partitionJson(partition: Partition): { key: string; start?: string; end?: string } {
  return 'start' in partition
    ? { key: partition.key, start: partition.start.toISOString(), end: partition.end.toISOString() }
    : { key: partition.key }
}
