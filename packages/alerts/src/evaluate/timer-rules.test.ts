import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { budget, freshness, late, volume } from '@steward/pipelines/rules'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedPipeline, seedProduct, seedRun, seedRuns } from '../testing/seed.ts'
import { evaluateTimers } from './evaluate-timers.ts'
import { checkVolume } from './volume-check.ts'

const hourMs = 3_600_000
const day0 = Date.UTC(2026, 10, 1)
/** A daily cycle: about 100 rows an hour at 03:00, about 1,900 at 15:00. */
const usual = (hour: number) => Math.round(1000 - 900 * Math.cos(((hour - 3) / 24) * 2 * Math.PI))

describe('checkVolume', () => {
  it('fires under the ratio of the same hours earlier, never without history', () => {
    const bound = { vsSameHour: { days: 7 }, ratio: 0.5 }
    expect(checkVolume(40, 'below', bound, [100, 110, 90]).breached).toBe(true)
    expect(checkVolume(60, 'below', bound, [100, 110, 90]).breached).toBe(false)
    expect(checkVolume(0, 'below', bound, [0, 0, 0]).breached).toBe(false)
    expect(
      checkVolume(500, 'above', { vsSameHour: { weeks: 4 }, deviations: 3 }, [100, 110, 90, 100]).breached,
    ).toBe(true)
    expect(checkVolume(5, 'below', 10, []).breached).toBe(true)
  })
})

describe.each(testBackends)('timer rules on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })
  const open = (productId: string) =>
    t.db
      .selectFrom('incidents')
      .selectAll()
      .where('product_id', '=', productId)
      .where('status', '=', 'open')
      .execute()

  it('seasonal volume fires on a real drop, not at the nightly low, and counts a missing hour as 0', async () => {
    await seedProduct(t.db, { id: 'events', owners: ['#events'] })
    await seedPipeline(t.db, {
      id: 'events.hourly',
      productId: 'events',
      steps: ['extract'],
      alerts: [volume({ metric: 'rows', step: 'extract', below: { vsSameHour: { days: 7 }, ratio: 0.5 } })],
    })
    // Eight days of hourly runs with the daily cycle; on day 8, 13:00 drops to a fifth and 18:00 writes nothing.
    const runs = []
    for (let h = 0; h < 8 * 24 + 20; h++) {
      const hour = h % 24
      const day = Math.floor(h / 24)
      if (day === 8 && hour === 18) continue
      const value = day === 8 && hour === 13 ? usual(hour) / 5 : usual(hour)
      const at = new Date(day0 + h * hourMs + 10 * 60_000)
      runs.push({
        pipelineId: 'events.hourly',
        productId: 'events',
        status: 'succeeded' as const,
        steps: { extract: 'succeeded' as const },
        finishedAt: at,
        metrics: [{ step: 'extract', name: 'rows', value, at }],
      })
    }
    for (const run of runs) await seedRun(t.db, run)
    const at = (day: number, hour: number, minute = 5) =>
      new Date(day0 + (day * 24 + hour) * hourMs + minute * 60_000)

    // 04:05 judges 03:00, the nightly low (~100 rows): low every night, so quiet.
    await evaluateTimers(t.db, { now: at(8, 4) })
    expect(await open('events')).toEqual([])
    // 14:05 judges 13:00: a fifth of the usual → an incident.
    await evaluateTimers(t.db, { now: at(8, 14) })
    const fired = await open('events')
    expect(fired).toHaveLength(1)
    expect(fired[0]?.title).toContain('rows out of bounds')
    // Still low? Same incident, quiet. 15:05 judges 14:00, back to normal → resolved.
    await evaluateTimers(t.db, { now: at(8, 14, 30) })
    await evaluateTimers(t.db, { now: at(8, 15) })
    expect(await open('events')).toEqual([])
    // 19:05 judges 18:00, when nothing arrived: counted as 0 → fires again (a new incident).
    await evaluateTimers(t.db, { now: at(8, 19) })
    expect(await open('events')).toHaveLength(1)
    const all = await t.db
      .selectFrom('incidents')
      .select('status')
      .where('product_id', '=', 'events')
      .execute()
    expect(all).toHaveLength(2)
    const firsts = await t.db
      .selectFrom('notifications')
      .select('kind')
      .where('product_id', '=', 'events')
      .execute()
    expect(firsts.map((n) => n.kind).sort()).toEqual(['first', 'first', 'resolved'])
  })

  it('freshness trips when a worker runs but writes nothing, and clears when data lands', async () => {
    const start = Date.UTC(2026, 10, 10, 8)
    await seedProduct(t.db, {
      id: 'crm',
      owners: ['#crm'],
      alerts: [freshness({ maxAge: '1h', metric: 'rows' })],
      createdAt: new Date(start),
    })
    await seedPipeline(t.db, { id: 'crm.sync', productId: 'crm', steps: ['load'] })
    const sync = (minute: number, rows: number) => {
      const at = new Date(start + minute * 60_000)
      return {
        pipelineId: 'crm.sync',
        productId: 'crm',
        status: 'succeeded' as const,
        steps: { load: 'succeeded' as const },
        finishedAt: at,
        metrics: [{ step: 'load', name: 'rows', value: rows, at }],
      }
    }
    // Data at 08:00; then the worker keeps succeeding every 10 minutes with 0 rows.
    await seedRuns(t.db, [sync(0, 500), ...[10, 20, 30, 40, 50, 60, 70, 80].map((m) => sync(m, 0))])
    await evaluateTimers(t.db, { now: new Date(start + 50 * 60_000) })
    expect(await open('crm')).toEqual([])
    await evaluateTimers(t.db, { now: new Date(start + 85 * 60_000) })
    const stale = await open('crm')
    expect(stale).toHaveLength(1)
    expect(stale[0]?.title).toContain('crm is stale')
    // A run that writes rows makes it fresh again.
    await seedRuns(t.db, [sync(90, 20)])
    await evaluateTimers(t.db, { now: new Date(start + 95 * 60_000) })
    expect(await open('crm')).toEqual([])
  })

  it("watches the product's freshness promise without an explicit rule", async () => {
    const created = Date.UTC(2026, 10, 12)
    await seedProduct(t.db, {
      id: 'promise',
      owners: ['#promise'],
      freshnessSeconds: 3600,
      createdAt: new Date(created),
    })
    await seedPipeline(t.db, { id: 'promise.build', productId: 'promise' })
    await evaluateTimers(t.db, { now: new Date(created + 2 * hourMs) })
    expect((await open('promise'))[0]?.title).toContain('no successful run yet')
  })

  it('late: a scheduled run that has not succeeded in time fires, and its success resolves it', async () => {
    const day = Date.UTC(2026, 10, 14)
    await seedProduct(t.db, { id: 'nightly', owners: ['#nightly'], createdAt: new Date(day - 86_400_000) })
    await seedPipeline(t.db, {
      id: 'nightly.build',
      productId: 'nightly',
      schedule: { cron: '0 6 * * *', timezone: 'UTC' },
      alerts: [late({ finishWithin: '2h' })],
      createdAt: new Date(day - 86_400_000),
    })
    await evaluateTimers(t.db, { now: new Date(day + 7 * hourMs) })
    expect(await open('nightly')).toEqual([])
    await evaluateTimers(t.db, { now: new Date(day + 9 * hourMs) })
    expect((await open('nightly'))[0]?.title).toContain('is late')
    await seedRun(t.db, {
      pipelineId: 'nightly.build',
      productId: 'nightly',
      status: 'succeeded',
      finishedAt: new Date(day + 9.2 * hourMs),
    })
    await evaluateTimers(t.db, { now: new Date(day + 9.5 * hourMs) })
    expect(await open('nightly')).toEqual([])
  })

  it('budget: month-to-date cost over budget fires, and an open incident is reminded in its thread', async () => {
    const now = Date.UTC(2026, 10, 20, 12)
    await seedProduct(t.db, {
      id: 'pricey',
      owners: ['#pricey'],
      alerts: [budget({ monthlyUsd: 10, forecast: false, remindEvery: '1h' })],
    })
    await t.db
      .insertInto('cost_entries')
      .values({
        product_id: 'pricey',
        kind: 'reported',
        item: 'warehouse scan',
        usd: 12.5,
        at: new Date(now - 86_400_000),
      })
      .execute()
    await evaluateTimers(t.db, { now: new Date(now) })
    expect((await open('pricey'))[0]?.title).toContain('spent $12.50 this month, over its $10 budget')
    await evaluateTimers(t.db, { now: new Date(now + 30 * 60_000) })
    await evaluateTimers(t.db, { now: new Date(now + 61 * 60_000) })
    const kinds = await t.db
      .selectFrom('notifications')
      .select('kind')
      .where('product_id', '=', 'pricey')
      .orderBy('id')
      .execute()
    expect(kinds.map((n) => n.kind)).toEqual(['first', 'reminder'])
  })
})
