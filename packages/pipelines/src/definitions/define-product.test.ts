import { describe, expect, it } from 'vitest'
import { definitionMeta } from './brand.ts'
import { defineProduct, isProduct, type ProductOptions } from './product.ts'

const valid: ProductOptions = {
  id: 'weekly-signup-funnel',
  name: 'Weekly signup funnel',
  owners: [{ team: 'growth-data', slack: '#growth-data' }],
}

const issuesOf = (options: unknown) => definitionMeta(defineProduct(options as ProductOptions))?.issues

describe('defineProduct', () => {
  it('returns the options as frozen, branded data and remembers the defining file', () => {
    const product = defineProduct({ ...valid, tier: 'gold', freshness: { maxAge: '8d' } })
    expect(isProduct(product)).toBe(true)
    expect(product).toMatchObject({ id: 'weekly-signup-funnel', tier: 'gold' })
    expect(Object.isFrozen(product)).toBe(true)
    expect(Object.keys(product)).not.toContain('kind')
    expect(definitionMeta(product)).toEqual({ kind: 'product', issues: [], definedIn: import.meta.filename })
  })

  it('accepts every kind of Slack destination', () => {
    for (const slack of ['#growth-data', 'C01ABCDEF23', 'U01ABCDEF23', '@maria']) {
      expect(issuesOf({ ...valid, owners: [{ name: 'x', slack }] })).toEqual([])
    }
  })

  it('records every problem with the field it is in, instead of throwing', () => {
    expect(
      issuesOf({
        id: 'Weekly Funnel',
        name: '',
        owners: [{ team: 'growth' }, { slack: 'growth-data' }],
        tier: 'platinum',
        freshness: { maxAge: 'a week' },
        budget: { monthlyUsd: -1 },
        docs: './docs/funnel.pdf',
        extra: true,
      }),
    ).toEqual([
      { field: 'id', message: expect.stringContaining('"Weekly Funnel" is not a valid id') },
      { field: 'name', message: 'must not be empty' },
      { field: 'owners[0].slack', message: 'is required' },
      {
        field: 'owners[1].slack',
        message: expect.stringContaining('"growth-data" is not a Slack destination'),
      },
      { field: 'docs', message: expect.stringContaining('must name a markdown file') },
      { field: 'tier', message: 'must be "gold", "silver" or "bronze"' },
      { field: 'freshness.maxAge', message: expect.stringContaining('"a week" is not a duration') },
      { field: 'budget.monthlyUsd', message: expect.any(String) },
      { field: '', message: expect.stringContaining('"extra"') },
    ])
  })

  it('needs at least one owner', () => {
    expect(issuesOf({ ...valid, owners: [] })).toEqual([
      {
        field: 'owners',
        message: expect.stringContaining('needs at least one owner with a Slack destination'),
      },
    ])
  })
})
