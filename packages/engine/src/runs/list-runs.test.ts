import { randomUUID } from 'node:crypto'
import { migrateToLatest, type RunStatus } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RuntimeHarness, testProduct } from '../testing/runtime-harness.ts'
import { decodeRunCursor, encodeRunCursor, type ListRunsFilter, listRuns } from './list-runs.ts'

const first = definePipeline({
  id: 'test.list-first',
  product: testProduct,
  steps: (s) => s.step('one', { run: async () => ({}) }),
})
const second = definePipeline({
  id: 'test.list-second',
  product: testProduct,
  steps: (s) => s.step('one', { run: async () => ({}) }),
})

describe.each(testBackends)('listing runs on $name', (backend) => {
  let t: TestDatabase
  let h: RuntimeHarness
  const statuses: RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled']
  /** 30 runs: 10 share one creation time to the microsecond (as a backfill's do), 20 a second apart. */
  const base = Date.parse('2026-11-02T08:00:00.123Z')
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    h = await new RuntimeHarness(t.db).deploy([first, second])
    const tie = `${new Date(base).toISOString().slice(0, -1)}456Z`
    for (let i = 0; i < 30; i++) {
      const createdAt = i < 10 ? tie : new Date(base + (i - 9) * 1000).toISOString()
      await t.db
        .insertInto('runs')
        .values({
          id: randomUUID(),
          pipeline_id: i % 2 === 0 ? first.id : second.id,
          product_id: testProduct.id,
          pipeline_version: 1,
          status: statuses[i % statuses.length] as RunStatus,
          trigger: 'manual',
          params: '{}',
          created_at: sql`${createdAt}::timestamptz`,
        })
        .execute()
    }
  })
  afterAll(async () => {
    await h?.dispose()
    await t?.dispose()
  })

  /** Every page of a filter, walked with the cursor as a client would (through its text). */
  async function walk(filter: Omit<ListRunsFilter, 'after'>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = []
    let pages = 0
    let cursor: string | undefined
    do {
      const after = cursor === undefined ? undefined : decodeRunCursor(cursor)
      const page = await listRuns(t.db, { ...filter, ...(after ? { after } : {}) })
      pages += 1
      ids.push(...page.runs.map((run) => run.id))
      cursor = page.next ? encodeRunCursor(page.next) : undefined
    } while (cursor !== undefined && pages < 100)
    return { ids, pages }
  }

  it('walks every run once, newest first, across pages that split runs created together', async () => {
    const all = await t.db
      .selectFrom('runs')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute()
    const { ids, pages } = await walk({ limit: 7 })
    expect(pages).toBe(5)
    expect(new Set(ids).size).toBe(30)
    expect(ids).toEqual(all.map((run) => run.id))
    // The same walk again gives the same order.
    expect((await walk({ limit: 7 })).ids).toEqual(ids)
  })

  it('filters by pipeline, product, status and creation time', async () => {
    const byPipeline = await listRuns(t.db, { pipelineId: first.id, limit: 50 })
    expect(byPipeline.runs).toHaveLength(15)
    expect(byPipeline.runs.every((run) => run.pipelineId === first.id)).toBe(true)
    expect(byPipeline.next).toBeNull()

    expect((await listRuns(t.db, { productId: testProduct.id, limit: 50 })).runs).toHaveLength(30)
    expect((await listRuns(t.db, { productId: 'no-such-product', limit: 50 })).runs).toEqual([])

    const failed = await walk({ statuses: ['failed', 'cancelled'], limit: 4 })
    expect(failed.ids).toHaveLength(12)
    const pairs = await walk({ pipelineId: second.id, statuses: ['failed'], limit: 2 })
    expect(pairs.ids).toHaveLength(3)

    const window = await listRuns(t.db, {
      createdFrom: new Date(base + 1000),
      createdBefore: new Date(base + 6000),
      limit: 50,
    })
    expect(window.runs.map((run) => run.createdAt.getTime())).toEqual(
      [5, 4, 3, 2, 1].map((s) => base + s * 1000),
    )
  })

  it('reads a cursor only as it wrote it', () => {
    const cursor = { createdAtMicros: 1_793_000_000_123_456n, id: randomUUID() }
    expect(decodeRunCursor(encodeRunCursor(cursor))).toEqual(cursor)
    for (const bad of ['', 'x', '%00', 'a'.repeat(500), Buffer.from('12.not-a-uuid').toString('base64url')])
      expect(decodeRunCursor(bad)).toBeUndefined()
  })
})
