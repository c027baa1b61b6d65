import type { UsageGrain } from '@steward/db'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { addDays, dateIn, periodStart, periodsBetween, previousPeriod } from '@steward/kernel'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashActor } from '../hash-actor.ts'
import { foldPendingUsage } from '../ingest/fold-pending.ts'
import { ingestEvents } from '../ingest/ingest-events.ts'
import { applyUsageCalendar, type UsageCalendar } from '../settings/usage-settings.ts'
import { seedProduct } from '../testing/seed-product.ts'
import { productUsageList } from './product-list.ts'
import { type UsagePeriod, usageSeries } from './usage-series.ts'

/**
 * The rollups must equal a direct count over the raw events, at every granularity, in any time
 * zone and week start, across DST changes and month and year ends, with batches arriving
 * concurrently and out of order. The expected figures are computed here in JavaScript (Intl's
 * time zones), independently of the SQL that maintains the rollups.
 */
const salt = 'rollup-test-salt-0123456789'
const products = ['alpha', 'beta', 'gamma']
// catalog_view: visits to Steward's own product pages, counted apart and never as users.
const kinds = ['view', 'query', 'download', 'api_call', 'catalog_view']
const edges = [
  '2025-12-31T23:30:00Z', // a year end
  '2026-01-31T23:00:00Z',
  '2026-03-08T07:00:00Z', // New York springs forward
  '2026-03-29T01:00:00Z', // Berlin springs forward
  '2026-10-25T01:00:00Z', // Berlin falls back
  '2026-11-01T06:00:00Z', // New York falls back
].map((iso) => Date.parse(iso))

interface RawEvent {
  product: string
  kind: string
  actor: string
  at: string
}

function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let x = Math.imul(s ^ (s >>> 15), 1 | s)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function makeEvents(count: number, seed: number): RawEvent[] {
  const rnd = random(seed)
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)] as T
  const start = Date.parse('2025-11-20T00:00:00Z')
  const span = Date.parse('2026-11-15T00:00:00Z') - start
  return Array.from({ length: count }, () => {
    const ms = rnd() < 0.6 ? pick(edges) + (rnd() - 0.5) * 2 * 36 * 3600_000 : start + rnd() * span
    return {
      product: pick(products),
      kind: pick(kinds),
      actor: `user-${Math.floor(rnd() ** 2 * 40)}@example.com`,
      at: new Date(Math.floor(ms)).toISOString(),
    }
  })
}

function expectedSeries(events: RawEvent[], product: string, grain: UsageGrain, calendar: UsageCalendar) {
  const mine = events.filter((e) => e.product === product)
  const dates = mine.map((e) => dateIn(new Date(e.at), calendar.timezone)).sort()
  const from = dates[0] as string
  const to = dates[dates.length - 1] as string
  const actors = new Map<string, Set<string>>()
  const byPeriod = new Map<string, UsagePeriod>()
  for (const period of periodsBetween(from, to, grain, calendar.weekStartsOn)) {
    byPeriod.set(period, {
      period,
      events: {},
      totalEvents: 0,
      catalogViews: 0,
      actors: 0,
      returningActors: 0,
      returningRatio: null,
    })
    actors.set(period, new Set())
  }
  for (const e of mine) {
    const period = periodStart(dateIn(new Date(e.at), calendar.timezone), grain, calendar.weekStartsOn)
    const p = byPeriod.get(period) as UsagePeriod
    if (e.kind === 'catalog_view') {
      p.catalogViews++
      continue
    }
    p.events[e.kind] = (p.events[e.kind] ?? 0) + 1
    p.totalEvents++
    actors.get(period)?.add(hashActor(salt, e.actor))
  }
  for (const [period, p] of byPeriod) {
    const here = actors.get(period) as Set<string>
    const before = actors.get(previousPeriod(period, grain)) ?? new Set()
    p.actors = here.size
    p.returningActors = [...here].filter((a) => before.has(a)).length
    p.returningRatio = here.size > 0 ? p.returningActors / here.size : null
  }
  return { from, to, periods: [...byPeriod.values()] }
}

async function ingestConcurrently(t: TestDatabase, events: RawEvent[]) {
  const batches: RawEvent[][] = []
  for (let i = 0; i < events.length; i += 150) batches.push(events.slice(i, i + 150))
  const results = await Promise.all(
    batches.map((batch) => ingestEvents(t.db, batch, { salt, origin: 'token:test' })),
  )
  expect(results.reduce((n, r) => n + r.stored, 0)).toBe(events.length)
  // A batch stored while another request folded is left to the web server's periodic folder.
  await foldPendingUsage(t.db)
}

describe.each(testBackends)('rollups on $name', (backend) => {
  let t: TestDatabase
  const events = makeEvents(1200, 42)
  const later = makeEvents(400, 7)

  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    for (const id of products) await seedProduct(t.db, id)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  async function compareEverything(all: RawEvent[], calendar: UsageCalendar) {
    for (const product of products) {
      for (const grain of ['day', 'week', 'month'] as const) {
        const expected = expectedSeries(all, product, grain, calendar)
        const actual = await usageSeries(t.db, product, {
          granularity: grain,
          from: expected.from,
          to: expected.to,
        })
        expect(actual.timezone).toBe(calendar.timezone)
        expect({ product, grain, periods: actual.periods }).toEqual({
          product,
          grain,
          periods: expected.periods,
        })
      }
    }
    for (const nowIso of ['2026-03-29T12:00:00Z', '2026-11-02T03:00:00Z']) {
      const now = new Date(nowIso)
      const start = addDays(dateIn(now, calendar.timezone), -29)
      const list = await productUsageList(t.db, { now })
      for (const product of products) {
        const inWindow = all.filter(
          (e) =>
            e.product === product &&
            e.kind !== 'catalog_view' &&
            dateIn(new Date(e.at), calendar.timezone) >= start,
        )
        expect({ product, users: list.find((p) => p.id === product)?.users30d }).toEqual({
          product,
          users: new Set(inWindow.map((e) => e.actor)).size,
        })
        expect(list.find((p) => p.id === product)?.views30d).toBe(
          inWindow.filter((e) => e.kind === 'view').length,
        )
        expect(list.find((p) => p.id === product)?.events30d).toBe(inWindow.length)
      }
    }
  }

  it('equal a direct count in New York with Sunday weeks, batches arriving concurrently', async () => {
    const calendar: UsageCalendar = { timezone: 'America/New_York', weekStartsOn: 'sunday' }
    await applyUsageCalendar(t.db, calendar)
    await ingestConcurrently(t, events)
    await compareEverything(events, calendar)
  })

  it('are rebuilt when the time zone or week start changes, and stay exact as more events arrive', async () => {
    const berlin: UsageCalendar = { timezone: 'Europe/Berlin', weekStartsOn: 'monday' }
    expect(await applyUsageCalendar(t.db, berlin)).toBe(true)
    expect(await applyUsageCalendar(t.db, berlin)).toBe(false)
    await compareEverything(events, berlin)
    await ingestConcurrently(t, later)
    await compareEverything([...events, ...later], berlin)

    const kolkata: UsageCalendar = { timezone: 'Asia/Kolkata', weekStartsOn: 'sunday' }
    await applyUsageCalendar(t.db, kolkata)
    await compareEverything([...events, ...later], kolkata)
  })

  it('refuses a time zone that does not exist', async () => {
    await expect(applyUsageCalendar(t.db, { timezone: 'Mars/Base', weekStartsOn: 'monday' })).rejects.toThrow(
      /not an IANA time zone/,
    )
  })
})
