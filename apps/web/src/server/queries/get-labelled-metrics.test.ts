import { seedPipeline, seedProduct, seedRuns } from '@steward/alerts/testing'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { volume } from '@steward/pipelines/rules'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getLabelledMetrics } from './get-labelled-metrics.ts'

const dayMs = 86_400_000
const now = new Date('2026-11-20T12:00:00Z')

describe.each(testBackends)('labelled metrics for the product page on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, { id: 'web' })
    await seedPipeline(t.db, {
      id: 'web.logs',
      productId: 'web',
      steps: ['ship'],
      alerts: [
        volume({ metric: 'rows', below: { vsSameHour: { days: 7 }, ratio: 0.5 } }),
        volume({
          name: 'per-host',
          metric: 'rows',
          by: ['host'],
          below: { vsSameHour: { days: 7 }, ratio: 0.5 },
        }),
      ],
    })
    // A daily run at 06:00 for ten days; web-3 stops shipping on the last two.
    const runs = Array.from({ length: 10 }, (_, i) => {
      const at = new Date(Date.parse('2026-11-11T06:00:00Z') + i * dayMs)
      const hosts = i >= 8 ? ['web-1', 'web-2'] : ['web-1', 'web-2', 'web-3']
      return {
        pipelineId: 'web.logs',
        productId: 'web',
        status: 'succeeded' as const,
        finishedAt: at,
        metrics: hosts.map((host) => ({ step: 'ship', name: 'rows', value: 100, at, labels: { host } })),
      }
    })
    await seedRuns(t.db, runs)
  })
  afterAll(async () => t?.dispose())

  it('draws each host per day and flags the one that went quiet', async () => {
    const [chart, ...more] = await getLabelledMetrics(t.db, 'web', now)
    expect(more).toEqual([])
    expect(chart).toMatchObject({ pipelineId: 'web.logs', metric: 'rows', label: 'host' })
    expect(chart?.days).toHaveLength(14)
    expect(chart?.days.at(-1)?.toISOString()).toBe('2026-11-20T00:00:00.000Z')
    const rows = Object.fromEntries(chart?.rows.map((row) => [row.value, row]) ?? [])
    expect(rows['web-1']?.perDay.slice(-10)).toEqual(Array(10).fill(100))
    expect(rows['web-3']?.perDay.slice(-10)).toEqual([...Array(8).fill(100), 0, 0])
    expect(Object.values(rows).map((row) => [row.value, row.last, row.quiet])).toEqual([
      ['web-1', 100, false],
      ['web-2', 100, false],
      ['web-3', 0, true],
    ])
  })
})
