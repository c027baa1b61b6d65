import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest } from '../migrate.ts'
import { type TestDatabase, testBackends } from '../testing/test-databases.ts'
import { listAudit } from './list-audit.ts'
import { countPrunableAudit, pruneAudit } from './prune-audit.ts'
import { maxAuditDetailsLength, recordAudit } from './record-audit.ts'

const nul = '\u0000'

describe.each(testBackends)('the audit log on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await t.db
      .insertInto('products')
      .values({
        id: 'shop',
        name: 'Shop',
        owners: '[]',
        stakeholders: '[]',
        links: '[]',
        tags: [],
        definition_hash: 'h',
      })
      .execute()
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('stores hostile text visibly replaced, cut to size, and finds the product through the target', async () => {
    await recordAudit(t.db, {
      actor: { kind: 'token', name: `ci${nul}bot`, via: 'api', source: '\uD800 203.0.113.7' },
      action: 'schedule.pause',
      target: { kind: 'product', id: 'shop' },
      details: { [`k${nul}`]: `v${nul}`, long: 'x'.repeat(20) },
    })
    await recordAudit(t.db, {
      actor: { kind: 'cli', name: 'a'.repeat(2_000), via: 'cli' },
      action: 'deploy',
      target: { kind: 'project', id: '/repo/steward.config.ts' },
      details: { blob: 'y'.repeat(maxAuditDetailsLength * 2) },
    })
    // An id nothing has, and one a uuid column cannot hold: no product, and no failed insert.
    await recordAudit(t.db, {
      actor: { kind: 'local', name: 'local-admin', via: 'api' },
      action: 'run.cancel',
      target: { kind: 'run', id: 'not-a-uuid' },
    })
    const rows = await t.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
    expect(rows[0]).toMatchObject({
      actor: 'ci\uFFFDbot',
      source: '\uFFFD 203.0.113.7',
      product_id: 'shop',
      details: { 'k\uFFFD': 'v\uFFFD', long: 'x'.repeat(20) },
    })
    expect(rows[1]?.actor).toHaveLength(500)
    expect(rows[1]?.product_id).toBeNull()
    expect(rows[1]?.details).toMatchObject({
      truncated: true,
      preview: expect.stringMatching(/^\{"blob":"y+$/),
    })
    expect(rows[2]).toMatchObject({ target_id: 'not-a-uuid', product_id: null, details: {} })
  })

  it('lists newest first with filters, pages by id, and limits to products', async () => {
    for (let i = 0; i < 5; i++)
      await recordAudit(t.db, {
        actor: { kind: 'user', name: i % 2 ? 'Ana@Example.com' : 'bo@example.com', via: 'ui' },
        action: 'run.start',
        target: { kind: 'run', id: `run-${i}` },
        productId: i % 2 ? 'shop' : 'funnel',
      })
    const all = await listAudit(t.db, { action: 'run.start' })
    expect(all.rows.map((r) => r.target_id)).toEqual(['run-4', 'run-3', 'run-2', 'run-1', 'run-0'])
    expect(all.next).toBeNull()

    const first = await listAudit(t.db, { action: 'run.start' }, { limit: 2 })
    expect(first.rows.map((r) => r.target_id)).toEqual(['run-4', 'run-3'])
    const second = await listAudit(t.db, { action: 'run.start' }, { limit: 2, before: first.next ?? '' })
    expect(second.rows.map((r) => r.target_id)).toEqual(['run-2', 'run-1'])
    const third = await listAudit(t.db, { action: 'run.start' }, { limit: 2, before: second.next ?? '' })
    expect(third).toMatchObject({ rows: [{ target_id: 'run-0' }], next: null })

    expect((await listAudit(t.db, { actor: 'ana@' })).rows.map((r) => r.target_id)).toEqual([
      'run-3',
      'run-1',
    ])
    expect((await listAudit(t.db, { actorKind: 'cli' })).rows.map((r) => r.action)).toEqual(['deploy'])
    // A token limited to products reads their rows only; rows of no product are not theirs.
    const limited = await listAudit(t.db, { productIds: ['shop'] })
    expect(limited.rows.every((r) => r.product_id === 'shop')).toBe(true)
    expect(limited.rows).toHaveLength(3)
    expect(await listAudit(t.db, { productIds: [] })).toEqual({ rows: [], next: null })
    await expect(listAudit(t.db, {}, { before: '1 or 1=1' })).rejects.toMatchObject({
      code: 'AUDIT_QUERY_INVALID',
    })
  })

  it('prunes rows older than the cut-off in batches', async () => {
    const old = new Date(Date.now() - 400 * 86_400_000)
    await t.db.updateTable('audit_log').set({ at: old }).where('action', '=', 'run.start').execute()
    const cutoff = new Date(Date.now() - 365 * 86_400_000)
    expect(await countPrunableAudit(t.db, cutoff)).toBe(5)
    const batches: number[] = []
    expect(await pruneAudit(t.db, { before: cutoff, batch: 2, onBatch: (n) => batches.push(n) })).toBe(5)
    expect(batches).toEqual([2, 2, 1])
    expect(await countPrunableAudit(t.db, cutoff)).toBe(0)
    expect((await listAudit(t.db, {})).rows).toHaveLength(3)
  })
})
