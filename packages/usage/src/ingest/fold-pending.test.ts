import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usageSeries } from '../queries/usage-series.ts'
import { rebuildRollups } from '../settings/rebuild-rollups.ts'
import { seedProduct } from '../testing/seed-product.ts'
import { foldLockName, foldParts, foldPendingUsage, usageBacklog } from './fold-pending.ts'
import { ingestEvents } from './ingest-events.ts'

const salt = 'fold-test-salt-0123456789'

const views = (product: string, n: number, day: string, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({
    product,
    kind: 'view',
    actor: `${prefix}-${i % 7}@example.com`,
    at: `${day}T${String(i % 24).padStart(2, '0')}:00:00Z`,
  }))

async function pendingCount(t: TestDatabase): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from usage_pending`.execute(t.db)
  return row.rows[0]?.n ?? -1
}

async function dayFigures(t: TestDatabase, product: string, day: string) {
  const series = await usageSeries(t.db, product, { granularity: 'day', from: day, to: day })
  const period = series.periods[0]
  const events = Object.values(period?.events ?? {}).reduce((sum, n) => sum + n, 0)
  return { events, actors: period?.actors ?? 0 }
}

describe.each(testBackends)('foldPendingUsage on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, 'fold-a')
    await seedProduct(t.db, 'fold-b')
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('counts a batch into the rollups before ingestEvents returns when nobody else is folding', async () => {
    await ingestEvents(t.db, views('fold-a', 30, '2026-05-04', 'a'), { salt, origin: 'token:fold' })
    expect(await pendingCount(t)).toBe(0)
    expect(await dayFigures(t, 'fold-a', '2026-05-04')).toEqual({ events: 30, actors: 7 })
  })

  it('works through a backlog in batches, each event counted once', async () => {
    // A backlog as a crashed server would leave it: stored, queued, not yet counted.
    await sql`
      insert into usage_pending (product_id, kind, actor_hash, at)
      select 'fold-b', 'query', md5((i % 40)::text), '2026-05-06T12:00:00Z'::timestamptz
      from generate_series(1, 1000) as i`.execute(t.db)
    const waiting = await usageBacklog(t.db)
    expect(Date.now() - (waiting.oldestQueuedAt?.getTime() ?? 0)).toBeLessThan(60_000)
    expect(await foldPendingUsage(t.db, { batch: 120 })).toBe(1000)
    expect(await pendingCount(t)).toBe(0)
    expect(await usageBacklog(t.db)).toEqual({})
    expect(await dayFigures(t, 'fold-b', '2026-05-06')).toEqual({ events: 1000, actors: 40 })
    expect(await foldPendingUsage(t.db)).toBe(0)
  })

  it('rebuilding the rollups empties the queue without counting its events twice', async () => {
    await sql`
      insert into usage_events (product_id, kind, actor_hash, at, origin)
      values ('fold-b', 'download', 'h1', '2026-05-10T10:00:00Z', 'test')`.execute(t.db)
    await sql`
      insert into usage_pending (product_id, kind, actor_hash, at)
      values ('fold-b', 'download', 'h1', '2026-05-10T10:00:00Z')`.execute(t.db)
    await t.db.transaction().execute((trx) => rebuildRollups(trx))
    expect(await pendingCount(t)).toBe(0)
    expect(await foldPendingUsage(t.db)).toBe(0)
    expect(await dayFigures(t, 'fold-b', '2026-05-10')).toEqual({ events: 1, actors: 1 })
  })
})

// On PGlite every connection shares one session, where the lock is re-entrant: nothing to contend.
const postgres = testBackends.find((backend) => backend.name === 'postgres')

describe.runIf(postgres)('foldPendingUsage with a fold running in another process', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await (postgres as (typeof testBackends)[number]).open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, 'fold-a')
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('leaves events to the fold already running, which counts them when it lets go', async () => {
    // Another process holds the fold: a batch stored meanwhile is queued, not counted, and the
    // request does not wait for it.
    const other = new pg.Client({ connectionString: t.url })
    await other.connect()
    try {
      await other.query('begin')
      for (let part = 0; part < foldParts; part++) {
        await other.query('select pg_advisory_xact_lock(hashtext($1))', [foldLockName(part)])
      }
      const result = await ingestEvents(t.db, views('fold-a', 12, '2026-05-08', 'c'), {
        salt,
        origin: 'token:fold',
      })
      expect(result.stored).toBe(12)
      expect(await pendingCount(t)).toBe(12)
      expect(await dayFigures(t, 'fold-a', '2026-05-08')).toEqual({ events: 0, actors: 0 })
      await other.query('commit')
    } finally {
      await other.end()
    }
    expect(await foldPendingUsage(t.db)).toBe(12)
    expect(await dayFigures(t, 'fold-a', '2026-05-08')).toEqual({ events: 12, actors: 7 })
  })
})
