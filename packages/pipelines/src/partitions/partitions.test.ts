import { describe, expect, it } from 'vitest'
import type {
  Partition,
  StaticPartitionScheme,
  TimePartition,
  TimePartitionScheme,
} from './partition-scheme.ts'
import {
  mapPartition,
  partitionOf,
  partitionsBetween,
  recentPartitions,
  scheduledPartitions,
} from './partitions.ts'
import { latestCompletePartition, timePartition, timePartitionAt } from './time-partitions.ts'

const scheme = (overrides: Partial<TimePartitionScheme> = {}): TimePartitionScheme => ({
  kind: 'time',
  unit: 'day',
  timezone: 'Europe/Berlin',
  start: '2026-01-01',
  weekStartsOn: 'monday',
  ...overrides,
})

const hours = (p: TimePartition) => (p.end.getTime() - p.start.getTime()) / 3_600_000

function time(result: Partition | string | undefined): TimePartition {
  if (typeof result === 'string' || result === undefined || !('start' in result))
    throw new Error(`not a time partition: ${String(result)}`)
  return result
}

describe('daily partitions in Europe/Berlin', () => {
  const daily = scheme()

  it('is 24 hours from local midnight to local midnight on an ordinary day', () => {
    const day = time(timePartition(daily, '2026-11-02'))
    expect(day.start.toISOString()).toBe('2026-11-01T23:00:00.000Z')
    expect(day.end.toISOString()).toBe('2026-11-02T23:00:00.000Z')
  })

  it('is 23 hours on the spring-forward day and 25 on the fall-back day', () => {
    const spring = time(timePartition(daily, '2026-03-29'))
    expect(spring.start.toISOString()).toBe('2026-03-28T23:00:00.000Z')
    expect(spring.end.toISOString()).toBe('2026-03-29T22:00:00.000Z')
    expect(hours(spring)).toBe(23)
    const fall = time(timePartition(daily, '2026-10-25'))
    expect(fall.start.toISOString()).toBe('2026-10-24T22:00:00.000Z')
    expect(hours(fall)).toBe(25)
  })

  it('tiles time with no gap and no overlap across both DST changes', () => {
    const days = partitionsBetween(daily, '2026-03-01', '2026-11-30')
    if (typeof days === 'string' || days === undefined) throw new Error(String(days))
    expect(days).toHaveLength(275)
    for (let i = 1; i < days.length; i++) {
      expect(time(days[i]).start.getTime()).toBe(time(days[i - 1]).end.getTime())
    }
    expect(days.map((d) => hours(time(d))).filter((h) => h !== 24)).toEqual([23, 25])
  })

  it('finds the day holding an instant by local time, not UTC', () => {
    // 23:30 UTC on Nov 2 is 00:30 on Nov 3 in Berlin.
    expect(timePartitionAt(daily, new Date('2026-11-02T23:30:00Z')).key).toBe('2026-11-03')
  })

  it('builds yesterday when scheduled, and nothing before the first day is complete', () => {
    expect(latestCompletePartition(daily, new Date('2026-11-03T05:00:00Z'))?.key).toBe('2026-11-02')
    expect(latestCompletePartition(daily, new Date('2026-01-01T12:00:00Z'))).toBeUndefined()
    expect(scheduledPartitions(daily, new Date('2026-01-02T12:00:00Z')).map((p) => p.key)).toEqual([
      '2026-01-01',
    ])
  })

  it('rejects keys that are malformed, not on the calendar, or before the start, saying how to write one', () => {
    expect(partitionOf(daily, '2026/11/02')).toBe(
      '"2026/11/02" is not a day partition key: write it like "2026-11-02"',
    )
    expect(partitionOf(daily, '2026-02-30')).toBe(
      '"2026-02-30" is not a date on the calendar: write it like "2026-11-02"',
    )
    expect(partitionOf(daily, '2025-12-31')).toBe('"2025-12-31" is before the first partition, "2026-01-01"')
  })
})

describe('hourly partitions', () => {
  it('skips the missing hour and keeps the repeated one apart', () => {
    const hourly = scheme({ unit: 'hour', start: '2026-01-01T00' })
    const hoursOfSpringDay = partitionsBetween(hourly, '2026-03-29T00', '2026-03-29T23')
    if (typeof hoursOfSpringDay === 'string' || hoursOfSpringDay === undefined) throw new Error()
    // 02:00 does not exist that night: its key maps to the first instant after the gap (03:00),
    // an empty window, so the day still has 23 hours of data.
    const total = hoursOfSpringDay.reduce((sum, p) => sum + hours(time(p)), 0)
    expect(total).toBe(23)
    const fall = time(partitionOf(hourly, '2026-10-25T02'))
    // 02:00–03:00 happens twice that night: its partition holds both, two hours.
    expect(fall.start.toISOString()).toBe('2026-10-25T00:00:00.000Z')
    expect(hours(fall)).toBe(2)
    const fallDay = partitionsBetween(hourly, '2026-10-25T00', '2026-10-25T23')
    if (typeof fallDay === 'string' || fallDay === undefined) throw new Error()
    expect(fallDay.reduce((sum, p) => sum + hours(time(p)), 0)).toBe(25)
  })
})

describe('weekly partitions', () => {
  it('start on Monday by default and on Sunday when configured', () => {
    const monday = scheme({ unit: 'week', start: '2026-01-05' })
    expect(timePartitionAt(monday, new Date('2026-11-05T12:00:00Z')).key).toBe('2026-11-02')
    const sunday = scheme({ unit: 'week', start: '2026-01-04', weekStartsOn: 'sunday' })
    expect(timePartitionAt(sunday, new Date('2026-11-05T12:00:00Z')).key).toBe('2026-11-01')
    expect(partitionOf(monday, '2026-11-03')).toBe(
      '"2026-11-03" is not the first day of a week (weeks start on Monday)',
    )
  })

  it('map a week onto its seven daily partitions, and a day onto its week', () => {
    const daily = scheme()
    for (const weekStartsOn of ['monday', 'sunday'] as const) {
      const weekly = scheme({ unit: 'week', start: '2026-01-04', weekStartsOn })
      const weekKey = weekStartsOn === 'monday' ? '2026-10-19' : '2026-10-25'
      const week = time(partitionOf(weekly, weekKey))
      const days = mapPartition(weekly, week, daily).map((p) => p.key)
      expect(days).toHaveLength(7)
      expect(days[0]).toBe(weekKey)
      const day = time(partitionOf(daily, '2026-10-25'))
      expect(mapPartition(daily, day, weekly).map((p) => p.key)).toEqual([
        weekStartsOn === 'monday' ? '2026-10-19' : '2026-10-25',
      ])
    }
  })
})

describe('monthly partitions', () => {
  it('are calendar months in the zone', () => {
    const monthly = scheme({ unit: 'month', start: '2026-01' })
    const february = time(partitionOf(monthly, '2026-02'))
    expect(february.start.toISOString()).toBe('2026-01-31T23:00:00.000Z')
    expect(february.end.toISOString()).toBe('2026-02-28T23:00:00.000Z')
    const daily = scheme()
    expect(mapPartition(monthly, february, daily)).toHaveLength(28)
  })
})

describe('recent partitions (the pipeline page grid)', () => {
  it('end at the latest complete window and stop at the start', () => {
    const now = new Date('2026-01-05T10:00:00Z')
    expect(recentPartitions(scheme(), now, 3).map((p) => p.key)).toEqual([
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
    ])
    // Only four days are complete since the start: asking for ten gives four.
    expect(recentPartitions(scheme(), now, 10).map((p) => p.key)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
    ])
    expect(recentPartitions(scheme(), new Date('2026-01-01T12:00:00Z'), 5)).toEqual([])
  })

  it('step back across a DST change in whole civil hours', () => {
    const hourly = scheme({ unit: 'hour', start: '2026-03-29T00' })
    const keys = recentPartitions(hourly, new Date('2026-03-29T03:30:00Z'), 4).map((p) => p.key)
    // 02:00 does not exist in Berlin that night; its empty window still has a key.
    expect(keys).toEqual(['2026-03-29T01', '2026-03-29T02', '2026-03-29T03', '2026-03-29T04'])
  })

  it('list every static key', () => {
    expect(recentPartitions({ kind: 'static', keys: ['eu', 'us'] }, new Date(), 1)).toEqual([
      { key: 'eu' },
      { key: 'us' },
    ])
  })
})

describe('static partitions', () => {
  const regions: StaticPartitionScheme = { kind: 'static', keys: ['eu', 'us', 'apac'] }

  it('know their keys and ranges in declared order', () => {
    expect(partitionOf(regions, 'us')).toEqual({ key: 'us' })
    expect(partitionOf(regions, 'mars')).toBe('"mars" is not one of the partitions: "eu", "us", "apac"')
    expect(partitionsBetween(regions, 'us', undefined)).toEqual([{ key: 'us' }, { key: 'apac' }])
    expect(scheduledPartitions(regions, new Date())).toHaveLength(3)
  })

  it('map key to key, and never onto time windows', () => {
    expect(mapPartition(regions, { key: 'eu' }, regions)).toEqual([{ key: 'eu' }])
    expect(mapPartition(regions, { key: 'eu' }, scheme())).toEqual([])
  })
})
