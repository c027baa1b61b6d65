import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { checkFailed } from '@steward/pipelines/rules'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedPipeline, seedProduct, seedRun } from '../testing/seed.ts'
import { evaluateFinishedRuns } from './evaluate-finished-runs.ts'

describe.each(testBackends.filter((b) => b.name === 'postgres'))('checkFailed on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    // The evaluator's cursor starts now: later runs are evaluated.
    await evaluateFinishedRuns(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  async function runWithChecks(
    productId: string,
    checks: {
      check: string
      severity: 'warn' | 'error'
      status: 'passed' | 'failed' | 'error'
      failing: number | null
    }[],
  ) {
    const runId = await seedRun(t.db, { pipelineId: `${productId}.load`, productId, status: 'succeeded' })
    await t.db
      .insertInto('check_results')
      .values(
        checks.map((c) => ({
          run_id: runId,
          product_id: productId,
          table_name: 'analytics.orders',
          check_name: c.check,
          check_kind: 'notNull',
          severity: c.severity,
          status: c.status,
          failing_count: c.failing,
          error: c.status === 'error' ? 'relation "analytics.nope" does not exist' : null,
          duration_ms: 3,
        })),
      )
      .execute()
    await evaluateFinishedRuns(t.db)
    return runId
  }

  const incidentsOf = (productId: string) =>
    t.db
      .selectFrom('incidents')
      .select(['rule_key', 'rule_kind', 'subject_key', 'status', 'severity', 'title', 'destinations'])
      .where('product_id', '=', productId)
      .orderBy('subject_key')
      .execute()

  it('by default, a failed warn check opens an incident for the product’s owners, and passing resolves it', async () => {
    await seedProduct(t.db, { id: 'orders', owners: ['#orders-owners'] })
    await seedPipeline(t.db, { id: 'orders.load', productId: 'orders' })
    await runWithChecks('orders', [
      { check: 'accepted_values(status)', severity: 'warn', status: 'failed', failing: 3 },
      { check: 'not_null(id)', severity: 'error', status: 'passed', failing: 0 },
      { check: 'no future days', severity: 'warn', status: 'error', failing: null },
    ])
    expect(await incidentsOf('orders')).toEqual([
      {
        rule_key: 'product:orders:check-failed',
        rule_kind: 'check-failed',
        subject_key: 'table:analytics.orders/check:accepted_values(status)',
        status: 'open',
        severity: 'warning',
        title: 'analytics.orders: check accepted_values(status) (warn) failed',
        destinations: ['#orders-owners'],
      },
      expect.objectContaining({
        subject_key: 'table:analytics.orders/check:no future days',
        status: 'open',
        title: 'analytics.orders: check no future days (warn) could not run',
      }),
    ])
    await runWithChecks('orders', [
      { check: 'accepted_values(status)', severity: 'warn', status: 'passed', failing: 0 },
    ])
    const after = await incidentsOf('orders')
    expect(after.map((i) => [i.subject_key, i.status])).toEqual([
      ['table:analytics.orders/check:accepted_values(status)', 'resolved'],
      ['table:analytics.orders/check:no future days', 'open'],
    ])
  })

  it('checkFailed({ checkSeverity }) narrows it; checkFailed(false) on the product silences it', async () => {
    await seedProduct(t.db, {
      id: 'strict',
      alerts: [checkFailed({ checkSeverity: 'error', severity: 'critical' })],
    })
    await seedPipeline(t.db, { id: 'strict.load', productId: 'strict' })
    await runWithChecks('strict', [
      { check: 'warned', severity: 'warn', status: 'failed', failing: 1 },
      { check: 'blocking', severity: 'error', status: 'failed', failing: 2 },
    ])
    expect((await incidentsOf('strict')).map((i) => [i.subject_key, i.severity])).toEqual([
      ['table:analytics.orders/check:blocking', 'critical'],
    ])
    await seedProduct(t.db, { id: 'quiet', alerts: [checkFailed(false)] })
    await seedPipeline(t.db, { id: 'quiet.load', productId: 'quiet' })
    await runWithChecks('quiet', [{ check: 'warned', severity: 'warn', status: 'failed', failing: 1 }])
    expect(await incidentsOf('quiet')).toEqual([])
  })
})
