import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { unused, usageDrop } from '@steward/pipelines/rules'
import { catalogViewKind, ingestEvents, usageSeries, zombieProducts } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedProduct } from '../testing/seed.ts'
import { evaluateTimers } from './evaluate-timers.ts'

const salt = 'usage-rules-test-salt-0123456789'
const dayMs = 86_400_000

describe.each(testBackends)('usage rules on $name', (backend) => {
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
      .select(['title', 'status'])
      .where('product_id', '=', productId)
      .where('status', '=', 'open')
      .execute()
  const use = (product: string, actors: number, at: Date, from = 0) =>
    ingestEvents(
      t.db,
      Array.from({ length: actors }, (_, i) => ({
        product,
        kind: 'view',
        actor: `user-${from + i}`,
        at: at.toISOString(),
      })),
      { salt, origin: 'test', now: at },
    )

  it('usage-drop compares the last complete week with the week before, and clears when it recovers', async () => {
    await seedProduct(t.db, {
      id: 'dash',
      alerts: [usageDrop({ ratio: 0.5, period: 'week' })],
      createdAt: new Date('2026-10-01T00:00:00Z'),
    })
    // Weeks start on Monday (the default calendar, UTC): 2026-11-02 and 2026-11-09.
    await use('dash', 40, new Date('2026-11-04T10:00:00Z'))
    await use('dash', 12, new Date('2026-11-11T10:00:00Z'))
    await evaluateTimers(t.db, { now: new Date('2026-11-16T09:00:00Z') })
    expect(await open('dash')).toEqual([
      {
        title: 'Weekly users of dash fell to 12 in the period from 2026-11-09 (the week before: 40, −70%)',
        status: 'open',
      },
    ])
    // The week of 2026-11-16 brings 30 users back: against 12, no drop.
    await use('dash', 30, new Date('2026-11-17T10:00:00Z'))
    await evaluateTimers(t.db, { now: new Date('2026-11-23T09:00:00Z') })
    expect(await open('dash')).toEqual([])
  })

  it('unused fires after the days without a use, not for a product younger than that', async () => {
    const now = new Date('2026-11-20T12:00:00Z')
    await seedProduct(t.db, {
      id: 'old-report',
      alerts: [unused({ days: 30 })],
      createdAt: new Date(now.getTime() - 90 * dayMs),
    })
    await seedProduct(t.db, {
      id: 'new-report',
      alerts: [unused({ days: 30 })],
      createdAt: new Date(now.getTime() - 5 * dayMs),
    })
    await seedProduct(t.db, {
      id: 'busy-report',
      alerts: [unused({ days: 30 })],
      createdAt: new Date(now.getTime() - 90 * dayMs),
    })
    await use('old-report', 3, new Date(now.getTime() - 40 * dayMs))
    await use('busy-report', 3, new Date(now.getTime() - 2 * dayMs))
    await evaluateTimers(t.db, { now })
    expect(await open('old-report')).toEqual([
      { title: 'Nobody used old-report for 30 days (last use 2026-10-11)', status: 'open' },
    ])
    expect(await open('new-report')).toEqual([])
    expect(await open('busy-report')).toEqual([])
    await use('old-report', 1, now)
    await evaluateTimers(t.db, { now: new Date(now.getTime() + 60_000) })
    expect(await open('old-report')).toEqual([])
  })
  /** Visits to the product's page in Steward's UI, as the web records them. */
  const catalogVisits = (product: string, visitors: number, at: Date) =>
    ingestEvents(
      t.db,
      Array.from({ length: visitors }, (_, i) => ({
        product,
        kind: catalogViewKind,
        actor: `user:owner-${i}`,
        source: 'steward-ui',
        at: at.toISOString(),
      })),
      { salt, origin: 'web', now: at },
    )

  it('unused still fires, and the product stays a zombie, when only its owners looked at its page', async () => {
    const now = new Date('2026-11-20T12:00:00Z')
    await seedProduct(t.db, {
      id: 'owners-only',
      alerts: [unused({ days: 30 })],
      createdAt: new Date(now.getTime() - 90 * dayMs),
    })
    await use('owners-only', 2, new Date(now.getTime() - 45 * dayMs))
    // The owners open its page every day of the last month.
    for (let d = 1; d <= 30; d++) await catalogVisits('owners-only', 3, new Date(now.getTime() - d * dayMs))
    await evaluateTimers(t.db, { now })
    expect(await open('owners-only')).toEqual([
      { title: 'Nobody used owners-only for 30 days (last use 2026-10-06)', status: 'open' },
    ])
    const zombie = (await zombieProducts(t.db, { now })).find((z) => z.id === 'owners-only')
    expect(zombie?.lastUsedDay).toBe('2026-10-06')
    // Counted with catalog views only when asked.
    expect((await zombieProducts(t.db, { now, includeCatalogViews: true })).map((z) => z.id)).not.toContain(
      'owners-only',
    )
    // The usage series shows the visits apart: no event, no user, 90 catalog views.
    const series = await usageSeries(t.db, 'owners-only', {
      granularity: 'month',
      from: '2026-10-01',
      to: '2026-11-01',
    })
    expect(series.periods.map((p) => [p.period, p.totalEvents, p.actors, p.catalogViews])).toEqual([
      ['2026-10-01', 2, 2, 3 * 11],
      ['2026-11-01', 0, 0, 3 * 19],
    ])
  })

  it('usage-drop does not count catalog visitors as users', async () => {
    await seedProduct(t.db, {
      id: 'visited',
      alerts: [usageDrop({ ratio: 0.5, period: 'week' })],
      createdAt: new Date('2026-10-01T00:00:00Z'),
    })
    await use('visited', 10, new Date('2026-11-04T10:00:00Z'))
    await use('visited', 2, new Date('2026-11-11T10:00:00Z'))
    // Twenty people open its page in Steward the second week: still 2 users, a drop.
    await catalogVisits('visited', 20, new Date('2026-11-12T10:00:00Z'))
    await evaluateTimers(t.db, { now: new Date('2026-11-16T09:00:00Z') })
    expect(await open('visited')).toEqual([
      {
        title: 'Weekly users of visited fell to 2 in the period from 2026-11-09 (the week before: 10, −80%)',
        status: 'open',
      },
    ])
  })
})
