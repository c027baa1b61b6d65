import { addCivil, type CivilTime, civilAt, daysBetween, instantOf, weekdayOf } from './civil-time.ts'
import { type TimePartition, type TimePartitionScheme, type TimeUnit, weekdays } from './partition-scheme.ts'

/** Why a key is not a partition of a scheme, in words for a person; undefined when it is one. */
export type KeyProblem = string | undefined

const keyPatterns: Record<TimeUnit, RegExp> = {
  hour: /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/,
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  week: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
}

export const keyExamples: Record<TimeUnit, string> = {
  hour: '2026-11-02T05',
  day: '2026-11-02',
  week: '2026-11-02',
  month: '2026-11',
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The key of the partition that starts at a civil time (already aligned). */
function keyOf(unit: TimeUnit, civil: CivilTime): string {
  const date = `${pad(civil.year, 4)}-${pad(civil.month)}`
  if (unit === 'month') return date
  if (unit === 'hour') return `${date}-${pad(civil.day)}T${pad(civil.hour)}`
  return `${date}-${pad(civil.day)}`
}

/** The civil start of the partition holding a civil time. */
function alignCivil(scheme: TimePartitionScheme, civil: CivilTime): CivilTime {
  switch (scheme.unit) {
    case 'hour':
      return civil
    case 'day':
      return { ...civil, hour: 0 }
    case 'month':
      return { ...civil, day: 1, hour: 0 }
    case 'week': {
      const firstDay = weekdays.indexOf(scheme.weekStartsOn)
      const back = (weekdayOf(civil) - firstDay + 7) % 7
      return addCivil({ ...civil, hour: 0 }, { days: -back })
    }
  }
}

function stepCivil(unit: TimeUnit, civil: CivilTime, count: number): CivilTime {
  switch (unit) {
    case 'hour':
      return addCivil(civil, { hours: count })
    case 'day':
      return addCivil(civil, { days: count })
    case 'week':
      return addCivil(civil, { days: 7 * count })
    case 'month':
      return addCivil(civil, { months: count })
  }
}

/** Parses a key to the civil start of its partition, or says why it is not one. */
function parseKey(scheme: TimePartitionScheme, key: string): CivilTime | string {
  const match = keyPatterns[scheme.unit].exec(key)
  const example = keyExamples[scheme.unit]
  if (!match) return `"${key}" is not a ${scheme.unit} partition key: write it like "${example}"`
  const [year, month, day, hour] = match.slice(1).map(Number)
  const civil: CivilTime = { year: year ?? 0, month: month ?? 1, day: day ?? 1, hour: hour ?? 0 }
  // Round-trip through the calendar: 2026-02-30 or hour 24 come back different.
  if (keyOf(scheme.unit, addCivil(civil, {})) !== key)
    return `"${key}" is not a date on the calendar: write it like "${example}"`
  if (scheme.unit === 'week' && keyOf('week', alignCivil(scheme, civil)) !== key)
    return `"${key}" is not the first day of a week (weeks start on ${capitalise(scheme.weekStartsOn)})`
  return civil
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

function window(scheme: TimePartitionScheme, startCivil: CivilTime): TimePartition {
  return {
    key: keyOf(scheme.unit, startCivil),
    start: instantOf(startCivil, scheme.timezone),
    end: instantOf(stepCivil(scheme.unit, startCivil, 1), scheme.timezone),
  }
}

/** Why a scheme's own start key is wrong; undefined when the scheme is sound. */
export function schemeStartProblem(scheme: TimePartitionScheme): KeyProblem {
  const parsed = parseKey(scheme, scheme.start)
  return typeof parsed === 'string' ? parsed : undefined
}

/** The partition a key names, or why it is not one of this scheme (bad format, before the start). */
export function timePartition(scheme: TimePartitionScheme, key: string): TimePartition | KeyProblem {
  const civil = parseKey(scheme, key)
  if (typeof civil === 'string') return civil
  if (key < scheme.start) return `"${key}" is before the first partition, "${scheme.start}"`
  return window(scheme, civil)
}

/** The partition holding an instant (which may be before the scheme's start: callers check). */
export function timePartitionAt(scheme: TimePartitionScheme, instant: Date): TimePartition {
  return window(scheme, alignCivil(scheme, civilAt(instant, scheme.timezone)))
}

/**
 * The newest partition whose window has ended by `now`: what a schedule builds by default (a daily
 * pipeline at 06:00 builds yesterday). Undefined before the first partition is complete.
 */
export function latestCompletePartition(scheme: TimePartitionScheme, now: Date): TimePartition | undefined {
  const current = alignCivil(scheme, civilAt(now, scheme.timezone))
  const previous = window(scheme, stepCivil(scheme.unit, current, -1))
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
  let civil = parseKey(scheme, latest.key) as CivilTime
  while (out.length < count) {
    civil = stepCivil(scheme.unit, civil, -1)
    const previous = window(scheme, civil)
    if (previous.key < scheme.start) break
    out.push(previous)
  }
  return out.reverse()
}

/** The partition after `key` (keys sort in time order, so `<` on keys compares windows). */
export function nextTimePartition(scheme: TimePartitionScheme, partition: TimePartition): TimePartition {
  const civil = parseKey(scheme, partition.key)
  if (typeof civil === 'string') throw new Error(civil)
  return window(scheme, stepCivil(scheme.unit, civil, 1))
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
  const start = civilAt(partition.start, scheme.timezone)
  const end = civilAt(partition.end, scheme.timezone)
  return daysBetween(start, end)
}
