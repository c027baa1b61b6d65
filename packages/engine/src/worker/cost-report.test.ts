import { describe, expect, it } from 'vitest'
import { createAttemptContext } from './attempt-context.ts'

const contextWith = (unitRates: Record<string, number>) =>
  createAttemptContext({
    params: {},
    runId: 'run-1',
    pipelineId: 'churn.score',
    stepId: 'score',
    attempt: 1,
    signal: new AbortController().signal,
    unitRates,
  })

describe('ctx.cost', () => {
  it('takes dollars as given, and prices a quantity at its unit rate', () => {
    const { ctx, records } = contextWith({ 'warehouse-mb': 0.000006 })
    ctx.cost({ usd: 0.42, item: 'vendor API' })
    ctx.cost({ item: 'warehouse scan', quantity: 70_000, unit: 'warehouse-mb' })
    expect(records.costs).toEqual([
      { kind: 'reported', item: 'vendor API', usd: 0.42, quantity: null, unit: null },
      {
        kind: 'reported',
        item: 'warehouse scan',
        usd: expect.closeTo(0.42, 10),
        quantity: 70_000,
        unit: 'warehouse-mb',
      },
    ])
  })

  it('refuses a unit without a rate, naming it in the log, and records nothing for it', () => {
    const { ctx, records } = contextWith({})
    ctx.cost({ item: 'egress', quantity: 3, unit: 'egress-tb' })
    ctx.cost({ item: '', usd: 1 })
    expect(records.costs).toEqual([])
    expect(records.logs.map((line) => line.message)).toEqual([
      'ctx.cost ignored: no usd, and no rate for unit "egress-tb" (add it to costs.units in steward.config.ts)',
      'ctx.cost ignored: needs { item, usd: a number ≥ 0 } or { item, quantity, unit } with a configured rate',
    ])
  })
})
