import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { alertRuleIssues, digest } from '@steward/pipelines/rules'
import { applyUsageCalendar } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedProduct } from '../testing/seed.ts'
import { evaluateTimers } from './evaluate-timers.ts'

// The instant of a local hour (instantOf) is tested in the kernel (time/time-zone.test.ts).
describe('digest rules', () => {
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

  const seedDigest = (id: string, createdAt: string, rule: Parameters<typeof digest>[0]) =>
    seedProduct(t.db, { id, createdAt: new Date(createdAt), alerts: [digest({ ...rule, notify: 'owners' })] })

  it('a daily digest at 9:00 Berlin goes out at 9:00 local on both sides of the October DST change', async () => {
    await seedDigest('berlin', '2026-10-01T00:00:00Z', { every: 'day', atHour: 9, timezone: 'Europe/Berlin' })
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

  it('a digest at an hour that happens twice (02:00 Berlin, the night clocks go back) goes out at the first', async () => {
    await seedDigest('berlin-night', '2026-10-20T00:00:00Z', {
      every: 'day',
      atHour: 2,
      timezone: 'Europe/Berlin',
    })
    // 01:59 CEST; 02:00 CEST (the first 02:00); 02:00 CET (the second); 01:59 and 02:00 CET the next night.
    const instants = [
      '2026-10-24T23:59Z',
      '2026-10-25T00:00Z',
      '2026-10-25T01:00Z',
      '2026-10-26T00:59Z',
      '2026-10-26T01:00Z',
    ]
    expect(await countsAt('berlin-night', instants)).toEqual([0, 1, 1, 1, 2])
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
