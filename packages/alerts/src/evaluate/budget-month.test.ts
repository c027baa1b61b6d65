import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { budget } from '@steward/pipelines/rules'
import { applyUsageCalendar, budgetStatus } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedProduct } from '../testing/seed.ts'
import { evaluateTimers } from './evaluate-timers.ts'

/** The budget rule counts the month where `budgetStatus` and the UI do: in the configured calendar. */
describe.each(testBackends)('budget months on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await applyUsageCalendar(t.db, { timezone: 'Europe/Berlin', weekStartsOn: 'monday' })
  })
  afterAll(async () => {
    await t?.dispose()
  })
  const spend = (productId: string, usd: number, at: string) =>
    t.db
      .insertInto('cost_entries')
      .values({ product_id: productId, kind: 'reported', item: 'warehouse scan', usd, at: new Date(at) })
      .execute()
  const incidents = (productId: string) =>
    t.db.selectFrom('incidents').selectAll().where('product_id', '=', productId).execute()

  it('$50 spent at 00:30 on 1 November in Berlin trips a $10 budget for November', async () => {
    await seedProduct(t.db, { id: 'november', alerts: [budget({ monthlyUsd: 10, forecast: false })] })
    // 00:30 CET on 1 November is 23:30 UTC on 31 October: still October in UTC.
    await spend('november', 50, '2026-10-31T23:30:00Z')
    const now = new Date('2026-11-01T08:00:00Z')
    await evaluateTimers(t.db, { now })
    expect(await incidents('november')).toMatchObject([
      { status: 'open', title: expect.stringContaining('spent $50.00 this month, over its $10 budget') },
    ])
    // The figure the UI shows for the month agrees.
    expect((await budgetStatus(t.db, 'november', { now })).monthToDateUsd).toBe(50)
  })

  it('$50 spent at 23:30 on 31 October in Berlin is October’s, not November’s', async () => {
    await seedProduct(t.db, { id: 'october', alerts: [budget({ monthlyUsd: 10, forecast: false })] })
    // 23:30 CET on 31 October is 22:30 UTC.
    await spend('october', 50, '2026-10-31T22:30:00Z')
    const now = new Date('2026-11-01T08:00:00Z')
    await evaluateTimers(t.db, { now })
    expect(await incidents('october')).toEqual([])
    expect((await budgetStatus(t.db, 'october', { now })).monthToDateUsd).toBe(0)
  })
})
