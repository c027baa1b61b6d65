import type { Weekday } from '@steward/kernel'

/**
 * How a pipeline's data is cut into partitions: civil time windows in a time zone, or a fixed list
 * of keys. A run builds one partition; backfills create one run per partition.
 *
 * Keys are strings people type on the command line (`--partition 2026-11-02`):
 * - hour:  `2026-11-02T05` (the hour starting 05:00 local time)
 * - day:   `2026-11-02`
 * - week:  `2026-11-02`, the date of the week's first day (`weekStartsOn`)
 * - month: `2026-11`
 * - static: the key itself (`eu`, `customer-42`)
 */
export type TimeUnit = 'hour' | 'day' | 'week' | 'month'

export interface TimePartitionScheme {
  readonly kind: 'time'
  readonly unit: TimeUnit
  /** IANA time zone the windows are civil days (hours, weeks, months) of. */
  readonly timezone: string
  /** Key of the first partition; nothing before it exists. */
  readonly start: string
  /** First day of a week (week unit only; other units ignore it). */
  readonly weekStartsOn: Weekday
}

export interface StaticPartitionScheme {
  readonly kind: 'static'
  readonly keys: readonly string[]
}

export type PartitionScheme = TimePartitionScheme | StaticPartitionScheme

/** One time partition: `[start, end)` as instants. */
export interface TimePartition {
  readonly key: string
  readonly start: Date
  readonly end: Date
}

export interface StaticPartition {
  readonly key: string
}

/** What `ctx.partition` holds: a time window, or a static key. */
export type Partition = TimePartition | StaticPartition

export function isTimePartition(partition: Partition): partition is TimePartition {
  return 'start' in partition
}
