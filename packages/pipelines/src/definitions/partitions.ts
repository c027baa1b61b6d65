import { type Weekday, weekdays } from '@steward/kernel'
import { z } from 'zod'
import type {
  PartitionScheme,
  StaticPartition,
  StaticPartitionScheme,
  TimePartition,
  TimePartitionScheme,
  TimeUnit,
} from '../partitions/partition-scheme.ts'
import { text } from './option-schemas.ts'

export interface TimePartitionOptions {
  /** First partition's key: `2026-01-01` (day, week), `2026-01` (month), `2026-01-01T00` (hour). */
  start: string
  /** IANA time zone the windows are counted in, e.g. `Europe/Berlin`. */
  timezone: string
}

/** What `ctx.partition` is for a pipeline with partitions `K`: a time window, a key, or undefined. */
export type PartitionOf<K> = K extends TimePartitionScheme
  ? TimePartition
  : K extends StaticPartitionScheme
    ? StaticPartition
    : undefined

const timeScheme = (unit: TimeUnit, options: TimePartitionOptions, weekStartsOn: Weekday = 'monday') =>
  Object.freeze({
    kind: 'time' as const,
    unit,
    start: options?.start,
    timezone: options?.timezone,
    weekStartsOn,
  }) satisfies TimePartitionScheme

/**
 * Hourly partitions: one run per local hour.
 *
 * @example
 * definePipeline({ id: 'clicks.hourly', partitions: hourlyPartitions({ start: '2026-01-01T00', timezone: 'UTC' }), … })
 */
export const hourlyPartitions = (options: TimePartitionOptions): TimePartitionScheme =>
  timeScheme('hour', options)

/**
 * Daily partitions, midnight to midnight in the zone (23 or 25 hours across DST changes). A
 * schedule builds yesterday; `steward run <pipeline> --partition 2026-11-02` builds that day.
 *
 * @example
 * definePipeline({ id: 'app-activity.daily', partitions: dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Berlin' }), … })
 */
export const dailyPartitions = (options: TimePartitionOptions): TimePartitionScheme =>
  timeScheme('day', options)

/**
 * Weekly partitions, keyed by the date of the week's first day (Monday unless `weekStartsOn`).
 *
 * @example
 * weeklyPartitions({ start: '2026-01-05', timezone: 'Asia/Seoul', weekStartsOn: 'monday' })
 */
export const weeklyPartitions = (
  options: TimePartitionOptions & { weekStartsOn?: Weekday },
): TimePartitionScheme => timeScheme('week', options, options?.weekStartsOn ?? 'monday')

/** Calendar months in the zone, keyed `2026-11`. */
export const monthlyPartitions = (options: TimePartitionOptions): TimePartitionScheme =>
  timeScheme('month', options)

/**
 * A fixed list of keys (regions, customers): a backfill or a schedule makes one run per key.
 *
 * @example
 * definePipeline({ id: 'revenue.by-region', partitions: staticPartitions(['eu', 'us', 'apac']), … })
 */
export const staticPartitions = (keys: readonly string[]): StaticPartitionScheme =>
  Object.freeze({ kind: 'static' as const, keys: Object.freeze([...(keys ?? [])]) })

/** The shape check of the `partitions` option; the calendar and zone are checked by validation. */
export const partitionSchemeSchema: z.ZodType<PartitionScheme> = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('time'),
      unit: z.enum(['hour', 'day', 'week', 'month']),
      start: text('the first partition\'s key, e.g. "2026-01-01"'),
      timezone: text('an IANA time zone, e.g. "UTC"'),
      weekStartsOn: z.enum(weekdays, { error: `must be one of ${weekdays.join(', ')}` }),
    }),
    z.strictObject({
      kind: z.literal('static'),
      keys: z
        .array(
          text('a partition key').regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
            error: (issue) =>
              `"${String(issue.input)}" is not a partition key: letters, digits, ".", "_" and "-", starting with a letter or digit`,
          }),
          { error: 'must be a list of keys' },
        )
        .min(1, { error: 'must list at least one key' })
        .refine((keys) => new Set(keys).size === keys.length, { error: 'lists a key twice' }),
    }),
  ],
  {
    error:
      'must be dailyPartitions(), hourlyPartitions(), weeklyPartitions(), monthlyPartitions() or staticPartitions([…])',
  },
)
