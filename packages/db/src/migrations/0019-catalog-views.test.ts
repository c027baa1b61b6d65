import { Migrator } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json } from '../schema.ts'
import { type TestDatabase, testBackends } from '../testing/test-databases.ts'
import { migrationProvider } from './index.ts'

/** 0019 on a database that holds the UI's own page visits as views, some folded, one still queued. */
describe.each(testBackends)('0019 catalog views on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('reclassifies the UI visits kept as raw events, in the queue and in the events per day', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider })
    expect((await migrator.migrateTo('0017_schedule_pauses')).error).toBeUndefined()
    for (const id of ['orders', 'ui-only'])
      await t.db
        .insertInto('products')
        .values({
          id,
          name: id,
          owners: json([]),
          stakeholders: json([]),
          links: json([]),
          definition_hash: 'test',
        })
        .execute()
    const event = (product: string, origin: string, source: string | null, at: string, actor = 'a') => ({
      product_id: product,
      kind: 'view',
      actor_hash: actor.repeat(64),
      at: new Date(at),
      source,
      origin,
    })
    await t.db
      .insertInto('usage_events')
      .values([
        // Folded: three UI visits and two views through the API on the 10th (UTC, the default).
        event('orders', 'web', 'steward-ui', '2026-11-10T09:00:00Z'),
        event('orders', 'web', 'steward-ui', '2026-11-10T10:00:00Z'),
        event('orders', 'web', 'steward-ui', '2026-11-10T11:00:00Z', 'b'),
        event('orders', 'token:x', 'looker', '2026-11-10T09:00:00Z'),
        event('orders', 'token:x', 'looker', '2026-11-10T12:00:00Z', 'c'),
        // Queued, not folded yet.
        event('orders', 'web', 'steward-ui', '2026-11-11T08:00:00Z'),
        // Only the UI ever looked at this one.
        event('ui-only', 'web', 'steward-ui', '2026-11-09T08:00:00Z'),
        event('ui-only', 'web', 'steward-ui', '2026-11-09T09:00:00Z'),
      ])
      .execute()
    await t.db
      .insertInto('usage_pending')
      .values({
        product_id: 'orders',
        kind: 'view',
        actor_hash: 'a'.repeat(64),
        at: new Date('2026-11-11T08:00:00Z'),
      })
      .execute()
    await t.db
      .insertInto('usage_daily')
      .values([
        { product_id: 'orders', day: '2026-11-10', kind: 'view', events: '5' },
        { product_id: 'ui-only', day: '2026-11-09', kind: 'view', events: '2' },
      ])
      .execute()

    expect((await migrator.migrateTo('0019_catalog_views')).error).toBeUndefined()

    const daily = await t.db
      .selectFrom('usage_daily')
      .select(['product_id', 'kind', 'events'])
      .select((eb) => eb.cast<string>('day', 'text').as('day'))
      .orderBy('product_id')
      .orderBy('kind')
      .execute()
    expect(daily.map((d) => [d.product_id, d.day, d.kind, Number(d.events)])).toEqual([
      ['orders', '2026-11-10', 'catalog_view', 3],
      ['orders', '2026-11-10', 'view', 2],
      ['ui-only', '2026-11-09', 'catalog_view', 2],
    ])
    expect(await t.db.selectFrom('usage_pending').select(['product_id', 'kind']).execute()).toEqual([
      { product_id: 'orders', kind: 'catalog_view' },
    ])
    const kinds = await t.db
      .selectFrom('usage_events')
      .select(['origin', 'kind'])
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .groupBy(['origin', 'kind'])
      .orderBy('origin')
      .execute()
    expect(kinds.map((k) => [k.origin, k.kind, Number(k.n)])).toEqual([
      ['token:x', 'view', 2],
      ['web', 'catalog_view', 6],
    ])
  })
})
