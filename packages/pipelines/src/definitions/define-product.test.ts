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
    for (const slack of ['#growth-data', 'C01ABCDEF23', 'U01ABCDEF23']) {
      expect(issuesOf({ ...valid, owners: [{ name: 'x', slack }] })).toEqual([])
    }
  })

  it('refuses a handle such as @maria, wherever it is, saying to use a user id', () => {
    const handle = expect.stringMatching(/^"@maria" is a Slack handle.*user id \("U…"/)
    expect(
      issuesOf({
        ...valid,
        owners: [
          { team: 'growth-data', slack: '@maria' },
          { slack: '#growth-data', mention: ['@maria'] },
        ],
        stakeholders: [{ name: 'Maria', slack: '@maria' }],
      }),
    ).toEqual([
      { field: 'owners[0].slack', message: handle },
      { field: 'owners[1].mention[0]', message: handle },
      { field: 'stakeholders[0].slack', message: handle },
    ])
  })

  it('takes user and user group ids to mention, and the severity they are mentioned from', () => {
    const owner = { slack: '#growth-data', mention: ['U024BE7LH', 'S0123ABCD'], mentionAt: 'warning' }
    expect(issuesOf({ ...valid, owners: [owner] })).toEqual([])
    expect(
      issuesOf({ ...valid, owners: [{ ...owner, mention: ['#growth', 'maria'], mentionAt: 'error' }] }),
    ).toEqual([
      { field: 'owners[0].mention[0]', message: expect.stringContaining('"#growth" cannot be mentioned') },
      { field: 'owners[0].mention[1]', message: expect.stringContaining('"maria" cannot be mentioned') },
      { field: 'owners[0].mentionAt', message: 'must be "critical", "warning" or "info"' },
    ])
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
