import { json, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getProductCheckResults, getRunCheckResults } from '../../server/queries/get-check-results.ts'
import { CheckResultsPanel } from './check-results-panel.tsx'

describe.each(testBackends.filter((b) => b.name === 'postgres'))('check results on $name', (backend) => {
  let t: TestDatabase
  const runs = ['7d9c1a52-0000-4000-8000-000000000001', '7d9c1a52-0000-4000-8000-000000000002']
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    const result = (runId: string, check: string, status: 'passed' | 'failed', at: string) => ({
      run_id: runId,
      product_id: 'orders',
      table_name: 'analytics.orders',
      check_name: check,
      check_kind: 'notNull',
      severity: 'error' as const,
      status,
      failing_count: status === 'failed' ? 2 : 0,
      sample:
        status === 'failed'
          ? json([
              { id: 1, note: '<script>alert(1)</script>' },
              { id: 2, note: null },
            ])
          : null,
      error: null,
      duration_ms: 12,
      checked_at: new Date(at),
    })
    await t.db
      .insertInto('check_results')
      .values([
        result(runs[0] as string, 'not_null(status)', 'failed', '2026-12-07T10:00:00Z'),
        result(runs[0] as string, 'unique(id)', 'passed', '2026-12-07T10:00:01Z'),
        result(runs[1] as string, 'not_null(status)', 'passed', '2026-12-07T11:00:00Z'),
      ])
      .execute()
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('lists a run’s results with the failing rows on expand, escaping what the warehouse holds', async () => {
    const results = await getRunCheckResults(t.db, runs[0] as string)
    expect(results.map((r) => [r.check, r.status, r.failingCount])).toEqual([
      ['not_null(status)', 'failed', 2],
      ['unique(id)', 'passed', 0],
    ])
    const html = renderToStaticMarkup(
      createElement(CheckResultsPanel, { results, title: 'Checks on the data' }),
    )
    expect(html).toContain('1 passed, 1 not')
    expect(html).toContain('<code>analytics.orders</code>')
    expect(html).toMatch(/<details><summary>2 failing rows<\/summary>/)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>')
  })

  it('shows a product’s latest result of each check, linking its run', async () => {
    const results = await getProductCheckResults(t.db, 'orders', new Date('2026-12-07T12:00:00Z'))
    expect(results.map((r) => [r.check, r.status, r.runId])).toEqual([
      ['not_null(status)', 'passed', runs[1]],
      ['unique(id)', 'passed', runs[0]],
    ])
    const html = renderToStaticMarkup(
      createElement(CheckResultsPanel, { results, title: 'Checks on the data', linkRuns: true }),
    )
    expect(html).toContain(`href="/runs/${runs[1]}"`)
  })
})
