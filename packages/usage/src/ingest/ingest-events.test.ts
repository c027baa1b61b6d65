import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashActor } from '../hash-actor.ts'
import { usageSeries } from '../queries/usage-series.ts'
import { seedProduct } from '../testing/seed-product.ts'
import { ingestEvents } from './ingest-events.ts'

const salt = 'test-salt-0123456789abcdef'
const at = '2026-03-10T12:00:00Z'

describe.each(testBackends)('ingestEvents on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, 'funnel')
    await seedProduct(t.db, 'churn')
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('stores the valid events of a batch and says exactly which were refused', async () => {
    const result = await ingestEvents(
      t.db,
      [
        { product: 'funnel', kind: 'view', actor: 'ana@example.com', at },
        { product: 'funnel', kind: 'nope!', actor: 'ana@example.com', at },
        { product: 'ghost', kind: 'view', actor: 'ana@example.com', at },
        { product: 'churn', kind: 'query', actor: 'bo@example.com', at, source: 'looker' },
      ],
      { salt, origin: 'token:a' },
    )
    expect(result).toEqual({
      accepted: 2,
      stored: 2,
      duplicates: [],
      rejected: [
        { index: 1, field: 'kind', message: expect.any(String) },
        { index: 2, field: 'product', message: 'no product "ghost" is deployed' },
      ],
    })
    const rows = await t.db
      .selectFrom('usage_events')
      .select(['product_id', 'kind', 'actor_hash', 'source'])
      .orderBy('id')
      .execute()
    expect(rows).toEqual([
      { product_id: 'funnel', kind: 'view', actor_hash: hashActor(salt, 'ana@example.com'), source: null },
      { product_id: 'churn', kind: 'query', actor_hash: hashActor(salt, 'bo@example.com'), source: 'looker' },
    ])
  })

  it('refuses text PostgreSQL cannot store, naming index and field, and stores the rest of the batch', async () => {
    const nul = '\u0000'
    const lone = '\uDE00'
    const good = { product: 'funnel', kind: 'view', actor: 'nul-batch', at }
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = { d: deep }
    const before = await t.db
      .selectFrom('usage_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    const result = await ingestEvents(
      t.db,
      [
        { ...good, source: `dash${nul}board` },
        good,
        { ...good, product: `funnel${nul}` },
        { ...good, kind: `view${nul}` },
        { ...good, at: `2026-03-10T12:00:00Z${nul}` },
        { ...good, id: `a${lone}` },
        { ...good, meta: { tags: ['ok', `x${nul}`] } },
        { ...good, meta: { [`k${lone}`]: 1 } },
        { ...good, actor: `ana${nul}` },
        { ...good, meta: deep },
        { ...good, source: 'fine 😀', meta: { emoji: '😀' } },
      ],
      { salt, origin: 'token:nul' },
    )
    expect(result.rejected).toEqual([
      { index: 0, field: 'source', message: expect.stringMatching(/NUL/) },
      { index: 2, field: 'product', message: expect.stringMatching(/NUL/) },
      { index: 3, field: 'kind', message: expect.stringMatching(/NUL/) },
      { index: 4, field: 'at', message: expect.stringMatching(/NUL/) },
      { index: 5, field: 'id', message: expect.stringMatching(/surrogate/) },
      { index: 6, field: 'meta.tags[1]', message: expect.stringMatching(/NUL/) },
      {
        index: 7,
        field: expect.stringMatching(/^meta\.k/),
        message: expect.stringMatching(/key.*surrogate/),
      },
      { index: 8, field: 'actor', message: expect.stringMatching(/NUL/) },
      { index: 9, field: 'meta', message: 'must nest at most 16 levels deep' },
    ])
    expect(result).toMatchObject({ accepted: 2, stored: 2 })
    const after = await t.db
      .selectFrom('usage_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n) - Number(before.n)).toBe(2)
  })

  it('counts a retried batch once, per origin, and a repeated id inside a batch once', async () => {
    const batch = [
      { product: 'funnel', kind: 'download', actor: 'cy', at, id: 'evt-1' },
      { product: 'funnel', kind: 'download', actor: 'cy', at, id: 'evt-2' },
      { product: 'funnel', kind: 'download', actor: 'cy', at, id: 'evt-1' },
      { product: 'funnel', kind: 'download', actor: 'cy', at },
    ]
    const first = await ingestEvents(t.db, batch, { salt, origin: 'token:retry' })
    expect(first).toMatchObject({ accepted: 4, stored: 3, duplicates: [2] })
    const retry = await ingestEvents(t.db, batch, { salt, origin: 'token:retry' })
    // Without an id an event cannot be recognised: only the one without an id is stored again.
    expect(retry).toMatchObject({ accepted: 4, stored: 1, duplicates: [0, 1, 2] })
    const otherSource = await ingestEvents(t.db, batch.slice(0, 1), { salt, origin: 'token:other' })
    expect(otherSource).toMatchObject({ stored: 1, duplicates: [] })

    const series = await usageSeries(t.db, 'funnel', {
      granularity: 'day',
      from: '2026-03-10',
      to: '2026-03-10',
    })
    expect(series.periods[0]?.events.download).toBe(5)
    const raw = await t.db
      .selectFrom('usage_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('kind', '=', 'download')
      .executeTakeFirstOrThrow()
    expect(Number(raw.n)).toBe(5)
  })

  it('never stores a raw actor id: no column of any table holds it', async () => {
    const actor = 'secret.person+usage@example.org'
    await ingestEvents(t.db, [{ product: 'funnel', kind: 'view', actor, at, meta: { page: 'overview' } }], {
      salt,
      origin: 'web',
    })
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.db)
    let scanned = 0
    for (const { table_name } of tables.rows) {
      const hit = await sql<{ n: string }>`
        select count(*)::text as n from ${sql.table(table_name)} as r where r::text ilike ${`%${actor}%`}`.execute(
        t.db,
      )
      expect({ table: table_name, rows: Number(hit.rows[0]?.n) }).toEqual({ table: table_name, rows: 0 })
      scanned++
    }
    expect(scanned).toBeGreaterThan(10)
    const hashed = await t.db
      .selectFrom('usage_events')
      .select('id')
      .where('actor_hash', '=', hashActor(salt, actor))
      .execute()
    expect(hashed).toHaveLength(1)
  })

  it('refuses a batch of more than 1,000 events whole', async () => {
    const events = Array.from({ length: 1001 }, () => ({ product: 'funnel', kind: 'view', actor: 'a' }))
    await expect(ingestEvents(t.db, events, { salt, origin: 'web' })).rejects.toThrow(
      /at most 1000 events \(got 1001\)/,
    )
  })
})
