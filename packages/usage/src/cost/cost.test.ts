import type { Database } from '@steward/db'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashActor } from '../hash-actor.ts'
import { ingestEvents } from '../ingest/ingest-events.ts'
import { labelActor } from '../queries/label-actor.ts'
import { portfolio, portfolioWindows, previousFigures } from '../queries/portfolio.ts'
import { productUsageList } from '../queries/product-list.ts'
import { topConsumers } from '../queries/top-consumers.ts'
import { zombieProducts } from '../queries/zombie-products.ts'
import { applyUsageCalendar } from '../settings/usage-settings.ts'
import { seedProduct } from '../testing/seed-product.ts'
import { budgetStatus } from './budget-status.ts'
import { computeCostUsd, defaultCostModel, resolveCostModel, unitCostUsd } from './cost-model.ts'
import { costSeries } from './cost-series.ts'

const salt = 'cost-test-salt-0123456789'

/** Cost entries the way the runtime writes them (several rows in one statement, as finish-attempt does). */
async function addCosts(db: Kysely<Database>, productId: string, entries: [string, number][]) {
  await db
    .insertInto('cost_entries')
    .values(
      entries.map(([at, usd]) => ({
        product_id: productId,
        kind: 'compute' as const,
        item: 'worker',
        usd,
        at,
      })),
    )
    .execute()
}

describe('the cost model', () => {
  it('prices worker hours by class and reported units, over the defaults', () => {
    const model = resolveCostModel({ workerHourUsd: { default: 0.1, gpu: 2 }, units: { 'api-call': 0.001 } })
    expect(computeCostUsd(model, 'gpu', 1800)).toBeCloseTo(1)
    expect(computeCostUsd(model, 'unknown-class', 3600)).toBeCloseTo(0.1)
    expect(computeCostUsd(model, 'large', 3600)).toBeCloseTo(defaultCostModel.workerHourUsd.large)
    expect(unitCostUsd(model, 'warehouse-mb', 1_000_000)).toBeCloseTo(6)
    expect(unitCostUsd(model, 'api-call', 500)).toBeCloseTo(0.5)
    expect(unitCostUsd(model, 'parsecs', 1)).toBeUndefined()
  })
})

describe.each(testBackends)('cost and portfolio queries on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await applyUsageCalendar(t.db, { timezone: 'Europe/Berlin', weekStartsOn: 'monday' })
    await seedProduct(t.db, 'funnel', { budgetUsd: 300, owners: [{ team: 'growth', slack: '#growth' }] })
    await seedProduct(t.db, 'old-report', { budgetUsd: 50, owners: [{ team: 'finance', slack: '#fin' }] })
    await seedProduct(t.db, 'brand-new', { createdAt: new Date('2026-04-05T00:00:00Z') })
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('rolls cost entries up per local day, and forecasts the month from month-to-date', async () => {
    await addCosts(t.db, 'funnel', [
      ['2026-03-31T22:30:00Z', 7], // 00:30 on 1 April in Berlin
      ['2026-04-01T10:00:00Z', 3],
      ['2026-04-05T12:00:00Z', 20],
      ['2026-04-10T21:59:00Z', 10], // 23:59 on 10 April in Berlin
      ['2026-03-31T21:30:00Z', 99], // 23:30 on 31 March in Berlin: last month
    ])
    const daily = await costSeries(t.db, 'funnel', {
      granularity: 'day',
      from: '2026-03-31',
      to: '2026-04-02',
    })
    expect(daily.periods.map((p) => [p.period, p.usd])).toEqual([
      ['2026-03-31', 99],
      ['2026-04-01', 10],
      ['2026-04-02', 0],
    ])
    // 12:00 on 11 April in Berlin: 10.5 days elapsed, $40 spent, 30 days in April.
    const status = await budgetStatus(t.db, 'funnel', { now: new Date('2026-04-11T10:00:00Z') })
    expect(status).toMatchObject({ month: '2026-04-01', budgetUsd: 300, monthToDateUsd: 40, daysInMonth: 30 })
    expect(status.elapsedDays).toBeCloseTo(10.5, 5)
    expect(status.forecastUsd).toBeCloseTo((40 / 10.5) * 30, 5)
    expect(status.forecastOverBudget).toBe(false)
    expect(status.budgetUsedRatio).toBeCloseTo(40 / 300)

    await addCosts(t.db, 'funnel', [['2026-04-11T08:00:00Z', 80]])
    const later = await budgetStatus(t.db, 'funnel', { now: new Date('2026-04-11T10:00:00Z') })
    expect(later.forecastUsd).toBeCloseTo((120 / 10.5) * 30, 5)
    expect(later.forecastOverBudget).toBe(true)

    // The first hour of a month does not extrapolate one hour to a whole month.
    const early = await budgetStatus(t.db, 'old-report', { now: new Date('2026-04-30T22:30:00Z') })
    expect(early).toMatchObject({ month: '2026-05-01', monthToDateUsd: 0, forecastUsd: 0, elapsedDays: 1 })
  })

  it('answers cost per active user per month, zombies, the product list and the portfolio', async () => {
    await ingestEvents(
      t.db,
      [
        { product: 'funnel', kind: 'view', actor: 'ana', at: '2026-04-02T09:00:00Z' },
        { product: 'funnel', kind: 'view', actor: 'bo', at: '2026-04-03T09:00:00Z' },
        { product: 'funnel', kind: 'query', actor: 'bo', at: '2026-04-04T09:00:00Z' },
        { product: 'funnel', kind: 'view', actor: 'cy', at: '2026-03-01T09:00:00Z' },
        { product: 'old-report', kind: 'view', actor: 'ana', at: '2026-01-15T09:00:00Z' },
      ],
      { salt, origin: 'web' },
    )
    await addCosts(t.db, 'old-report', [['2026-04-02T09:00:00Z', 12.5]])

    const monthly = await costSeries(t.db, 'funnel', {
      granularity: 'month',
      from: '2026-03-01',
      to: '2026-04-30',
    })
    expect(monthly.periods).toEqual([
      { period: '2026-03-01', usd: 99, actors: 1, costPerActorUsd: 99 },
      { period: '2026-04-01', usd: 120, actors: 2, costPerActorUsd: 60 },
    ])

    const now = new Date('2026-04-11T10:00:00Z')
    const zombies = await zombieProducts(t.db, { now })
    expect(zombies).toEqual([
      {
        id: 'old-report',
        name: 'Product old-report',
        owners: [{ team: 'finance', slack: '#fin' }],
        lastUsedDay: '2026-01-15',
        cost30dUsd: 12.5,
      },
    ])

    const list = await productUsageList(t.db, { now })
    expect(list.map((p) => [p.id, p.users30d, p.views30d, p.events30d, p.cost30dUsd])).toEqual([
      ['brand-new', 0, 0, 0, 0],
      ['funnel', 2, 2, 3, 219], // 13 March to 11 April: the $99 of 31 March included
      ['old-report', 0, 0, 0, 12.5],
    ])

    const entries = await portfolio(t.db, { now })
    const funnel = entries.find((e) => e.id === 'funnel')
    expect(funnel?.current).toEqual({ users: 2, events: 3, costUsd: 219, costPerUserUsd: 109.5 })
    expect(funnel?.previous).toEqual({ users: 1, events: 1, costUsd: 0, costPerUserUsd: 0 })
    expect(funnel?.usersTrend).toBeCloseTo(1)
    expect(funnel?.costTrend).toBeNull()

    // The previous window counted apart (what the web app keeps for an hour) gives the same portfolio.
    const windows = await portfolioWindows(t.db, { now })
    expect(windows).toEqual({
      current: { from: '2026-03-13', to: '2026-04-12' },
      previous: { from: '2026-02-11', to: '2026-03-13' },
    })
    const previous = await previousFigures(t.db, windows.previous)
    expect(previous.get('funnel')).toEqual(funnel?.previous)
    await expect(portfolio(t.db, { now, previous })).resolves.toEqual(entries)
  })

  it('lists top consumers by hashed id with the labels owners gave them', async () => {
    await labelActor(t.db, hashActor(salt, 'bo'), 'growth-analytics')
    const top = await topConsumers(t.db, 'funnel', { now: new Date('2026-04-11T10:00:00Z') })
    expect(top.map((c) => [c.actorHash, c.label, c.events])).toEqual([
      [hashActor(salt, 'bo'), 'growth-analytics', 2],
      [hashActor(salt, 'ana'), null, 1],
    ])
    await labelActor(t.db, hashActor(salt, 'bo'), '')
    const unlabelled = await topConsumers(t.db, 'funnel', { now: new Date('2026-04-11T10:00:00Z'), limit: 1 })
    expect(unlabelled).toEqual([expect.objectContaining({ label: null, events: 2 })])
    await expect(labelActor(t.db, 'bo', 'x')).rejects.toThrow(/not an actor hash/)
    await expect(topConsumers(t.db, 'nope')).rejects.toMatchObject({ code: 'PRODUCT_NOT_FOUND' })
  })

  it('keeps cost_daily exact when the time zone changes', async () => {
    await applyUsageCalendar(t.db, { timezone: 'UTC', weekStartsOn: 'monday' })
    const daily = await costSeries(t.db, 'funnel', {
      granularity: 'day',
      from: '2026-03-31',
      to: '2026-04-01',
    })
    expect(daily.periods.map((p) => [p.period, p.usd])).toEqual([
      ['2026-03-31', 106],
      ['2026-04-01', 3],
    ])
  })
})
