import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { alertRuleIssues, digest } from '@steward/pipelines/rules'
import { applyUsageCalendar } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedProduct } from '../testing/seed.ts'
import { evaluateTimers } from './evaluate-timers.ts'
import { zonedHour } from './zoned-hour.ts'

describe('zonedHour', () => {
  it('is the instant of a local hour, with the offset of that day', () => {
    // Berlin leaves summer time on 2026-10-25 at 03:00 local (01:00Z).
    expect(zonedHour('2026-10-24', 9, 'Europe/Berlin').toISOString()).toBe('2026-10-24T07:00:00.000Z')
    expect(zonedHour('2026-10-25', 9, 'Europe/Berlin').toISOString()).toBe('2026-10-25T08:00:00.000Z')
    // New York enters summer time on 2026-03-08 at 02:00 local: 02:30 does not exist that day.
    expect(zonedHour('2026-03-07', 9, 'America/New_York').toISOString()).toBe('2026-03-07T14:00:00.000Z')
    expect(zonedHour('2026-03-08', 9, 'America/New_York').toISOString()).toBe('2026-03-08T13:00:00.000Z')
    expect(zonedHour('2026-03-08', 2, 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z')
    // Berlin's 02:00 happens twice on 2026-10-25 (00:00Z in summer time, 01:00Z in winter time).
    expect(zonedHour('2026-10-25', 2, 'Europe/Berlin').toISOString()).toBe('2026-10-25T01:00:00.000Z')
    expect(zonedHour('2026-06-01', 0, 'UTC').toISOString()).toBe('2026-06-01T00:00:00.000Z')
  })

  it('digest rules take an hour and an IANA zone, or the older UTC hour, not both', () => {
    expect(
      alertRuleIssues([digest({ every: 'day', atHour: 9, timezone: 'Europe/Berlin' })], 'product'),
    ).toEqual([])
    expect(alertRuleIssues([digest({ every: 'day', timezone: 'Mars/Olympus' })], 'product')).toEqual([
      { field: 'alerts[0].timezone', message: 'must be an IANA time zone, e.g. "Europe/Berlin"' },
    ])
    expect(alertRuleIssues([digest({ every: 'day', atHour: 9, atHourUtc: 7 })], 'product')).toEqual([
      { field: 'alerts[0].atHourUtc', message: 'give either atHourUtc, or atHour with a timezone, not both' },
    ])
  })
})

describe.each(testBackends)('digests in a time zone on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  const digestsOf = async (productId: string) =>
    (
      await t.db
        .selectFrom('notifications')
        .select('created_at')
        .where('product_id', '=', productId)
        .where('kind', '=', 'digest')
        .orderBy('id')
        .execute()
    ).map((n) => n.created_at.toISOString())

  /** Runs the timers at each instant and answers how many digests the product has after each. */
  const countsAt = async (productId: string, instants: readonly string[]) => {
    const counts: number[] = []
    for (const at of instants) {
      await evaluateTimers(t.db, { now: new Date(at) })
      counts.push((await digestsOf(productId)).length)
    }
    return counts
  }

  it('a daily digest at 9:00 Berlin goes out at 9:00 local on both sides of the October DST change', async () => {
    await seedProduct(t.db, {
      id: 'berlin',
      createdAt: new Date('2026-10-01T00:00:00Z'),
      alerts: [digest({ every: 'day', atHour: 9, timezone: 'Europe/Berlin', notify: 'owners' })],
    })
    const counts = await countsAt('berlin', [
      '2026-10-24T06:59:00Z', // 08:59 CEST
      '2026-10-24T07:00:00Z', // 09:00 CEST: the digest
      '2026-10-25T07:30:00Z', // 08:30 CET on the change day: a fixed +2 h would send here
      '2026-10-25T08:00:00Z', // 09:00 CET
      '2026-10-25T12:00:00Z', // later that day: nothing more
      '2026-10-26T07:59:00Z',
      '2026-10-26T08:00:00Z',
    ])
    expect(counts).toEqual([0, 1, 1, 2, 2, 2, 3])
    expect(await digestsOf('berlin')).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ])
  })

  it('without a zone, the hour is in the usage settings’ time zone; atHourUtc stays UTC', async () => {
    await applyUsageCalendar(t.db, { timezone: 'America/New_York', weekStartsOn: 'monday' })
    try {
      await seedProduct(t.db, {
        id: 'new-york',
        createdAt: new Date('2026-03-01T00:00:00Z'),
        alerts: [digest({ every: 'day', notify: 'owners' })],
      })
      await seedProduct(t.db, {
        id: 'utc',
        createdAt: new Date('2026-03-01T00:00:00Z'),
        alerts: [digest({ every: 'day', atHourUtc: 9, notify: 'owners' })],
      })
      // New York enters summer time on 2026-03-08: 9:00 is 14:00Z before, 13:00Z after.
      const instants = [
        '2026-03-07T09:00:00Z',
        '2026-03-07T13:59:00Z',
        '2026-03-07T14:00:00Z',
        '2026-03-08T09:00:00Z',
        '2026-03-08T13:00:00Z',
      ]
      const newYork: number[] = []
      const utc: number[] = []
      for (const at of instants) {
        await evaluateTimers(t.db, { now: new Date(at) })
        newYork.push((await digestsOf('new-york')).length)
        utc.push((await digestsOf('utc')).length)
      }
      expect(newYork).toEqual([0, 0, 1, 1, 2])
      expect(utc).toEqual([1, 1, 1, 2, 2])
    } finally {
      await applyUsageCalendar(t.db, { timezone: 'UTC', weekStartsOn: 'monday' })
    }
  })
})
