import {
  addHours,
  type CalendarDate,
  dateIn,
  daysBetween,
  instantOf,
  isCalendarDate,
  type LocalTime,
  localTimeAt,
  nextPeriod,
  periodStart,
  previousPeriod,
} from '@steward/kernel'
import type { TimePartition, TimePartitionScheme, TimeUnit } from './partition-scheme.ts'

/** Why a key is not a partition of a scheme, in words for a person; undefined when it is one. */
export type KeyProblem = string | undefined

/**
 * Where a partition starts on the wall clock of the scheme's zone: a date, and for hourly
 * partitions an hour. Windows are civil (a day is midnight to midnight, 23 or 25 hours long across
 * a DST change), so stepping happens on these and only the edges become instants.
 */
type PartitionStart = { readonly date: CalendarDate; readonly hour: number }

const keyPatterns: Record<TimeUnit, RegExp> = {
  hour: /^(\d{4}-\d{2}-\d{2})T(\d{2})$/,
  day: /^(\d{4}-\d{2}-\d{2})$/,
  week: /^(\d{4}-\d{2}-\d{2})$/,
  month: /^(\d{4}-\d{2})$/,
}

export const keyExamples: Record<TimeUnit, string> = {
  hour: '2026-11-02T05',
  day: '2026-11-02',
  week: '2026-11-02',
  month: '2026-11',
}

/** The key of the partition that starts at `start` (already aligned). */
function keyOf(unit: TimeUnit, start: PartitionStart): string {
  if (unit === 'month') return start.date.slice(0, 7)
  if (unit === 'hour') return `${start.date}T${String(start.hour).padStart(2, '0')}`
  return start.date
}

/** The start of the partition holding a local time. */
function align(scheme: TimePartitionScheme, time: LocalTime): PartitionStart {
  if (scheme.unit === 'hour') return { date: time.date, hour: time.hour }
  return { date: periodStart(time.date, scheme.unit, scheme.weekStartsOn), hour: 0 }
}

/** The start of the partition after (`1`) or before (`-1`) the one starting at `start`. */
function step(unit: TimeUnit, start: PartitionStart, direction: 1 | -1): PartitionStart {
  if (unit === 'hour') return addHours(start, direction)
  const date = direction === 1 ? nextPeriod(start.date, unit) : previousPeriod(start.date, unit)
  return { date, hour: 0 }
}

/** Parses a key to the start of its partition, or says why it is not one. */
function parseKey(scheme: TimePartitionScheme, key: string): PartitionStart | string {
  const match = keyPatterns[scheme.unit].exec(key)
  const example = keyExamples[scheme.unit]
  if (!match) return `"${key}" is not a ${scheme.unit} partition key: write it like "${example}"`
  const [day = '', hour = '0'] = match.slice(1)
  const start: PartitionStart = { date: scheme.unit === 'month' ? `${day}-01` : day, hour: Number(hour) }
  if (!isCalendarDate(start.date) || start.hour > 23)
    return `"${key}" is not a date on the calendar: write it like "${example}"`
  if (scheme.unit === 'week' && align(scheme, start).date !== start.date)
    return `"${key}" is not the first day of a week (weeks start on ${capitalise(scheme.weekStartsOn)})`
  return start
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

function window(scheme: TimePartitionScheme, start: PartitionStart): TimePartition {
  return {
    key: keyOf(scheme.unit, start),
    start: instantOf(start, scheme.timezone),
    end: instantOf(step(scheme.unit, start, 1), scheme.timezone),
  }
}

/** Why a scheme's own start key is wrong; undefined when the scheme is sound. */
export function schemeStartProblem(scheme: TimePartitionScheme): KeyProblem {
  const parsed = parseKey(scheme, scheme.start)
  return typeof parsed === 'string' ? parsed : undefined
}

/** The partition a key names, or why it is not one of this scheme (bad format, before the start). */
export function timePartition(scheme: TimePartitionScheme, key: string): TimePartition | KeyProblem {
  const start = parseKey(scheme, key)
  if (typeof start === 'string') return start
  if (key < scheme.start) return `"${key}" is before the first partition, "${scheme.start}"`
  return window(scheme, start)
}

/** The partition holding an instant (which may be before the scheme's start: callers check). */
export function timePartitionAt(scheme: TimePartitionScheme, instant: Date): TimePartition {
  return window(scheme, align(scheme, localTimeAt(instant, scheme.timezone)))
}

/**
 * The newest partition whose window has ended by `now`: what a schedule builds by default (a daily
 * pipeline at 06:00 builds yesterday). Undefined before the first partition is complete.
 */
export function latestCompletePartition(scheme: TimePartitionScheme, now: Date): TimePartition | undefined {
  const current = align(scheme, localTimeAt(now, scheme.timezone))
  const previous = window(scheme, step(scheme.unit, current, -1))
  return previous.key < scheme.start ? undefined : previous
}

/**
 * The newest `count` complete partitions, oldest first, never before the scheme's start: the
 * window the pipeline page's partition grid shows.
 */
export function recentTimePartitions(scheme: TimePartitionScheme, now: Date, count: number): TimePartition[] {
  const latest = latestCompletePartition(scheme, now)
  if (!latest) return []
  const out: TimePartition[] = [latest]
  let start = parseKey(scheme, latest.key) as PartitionStart
  while (out.length < count) {
    start = step(scheme.unit, start, -1)
    const previous = window(scheme, start)
    if (previous.key < scheme.start) break
    out.push(previous)
  }
  return out.reverse()
}

/** The partition after `key` (keys sort in time order, so `<` on keys compares windows). */
export function nextTimePartition(scheme: TimePartitionScheme, partition: TimePartition): TimePartition {
  const start = parseKey(scheme, partition.key)
  if (typeof start === 'string') throw new Error(start)
  return window(scheme, step(scheme.unit, start, 1))
}

/**
 * Every partition from `from` to `to`, both included, in order. `limit` guards against a typo
 * such as `--from 1026-01-01` creating a million runs.
 */
export function timePartitionsBetween(
  scheme: TimePartitionScheme,
  from: string,
  to: string,
  limit = 100_000,
): TimePartition[] | KeyProblem {
  const first = timePartition(scheme, from)
  if (typeof first === 'string' || first === undefined) return first
  const last = timePartition(scheme, to)
  if (typeof last === 'string' || last === undefined) return last
  if (last.key < first.key) return `"${to}" is before "${from}"`
  const out: TimePartition[] = []
  for (let at = first; at.key <= last.key; at = nextTimePartition(scheme, at)) {
    if (out.length === limit) return `more than ${limit} partitions from "${from}" to "${to}"`
    out.push(at)
  }
  return out
}

/** Days in a civil window, for messages and tests (23, 24 or 25 hours make one day). */
export function windowDays(scheme: TimePartitionScheme, partition: TimePartition): number {
  return daysBetween(dateIn(partition.start, scheme.timezone), dateIn(partition.end, scheme.timezone))
}
