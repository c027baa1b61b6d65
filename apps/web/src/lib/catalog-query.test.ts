import { describe, expect, it } from 'vitest'
import { catalogHref, defaultCatalogQuery, parseCatalogQuery, sortHref } from './catalog-query.ts'
import { type CatalogRowFacts, catalogView, filterOptions } from './catalog-view.ts'
import { sparkline } from './sparkline.ts'

describe('catalog query string', () => {
  it('reads every field, and falls back to defaults for unknown or missing values', () => {
    expect(
      parseCatalogQuery({
        q: ' churn ',
        owner: 'ml-platform',
        tier: 'gold',
        tag: ['daily', 'weekly'],
        status: 'failing',
        sort: 'cost',
        dir: 'asc',
        page: '3',
      }),
    ).toEqual({
      q: 'churn',
      owner: 'ml-platform',
      tier: 'gold',
      tag: 'daily',
      status: 'failing',
      sort: 'cost',
      dir: 'asc',
      page: 3,
    })
    expect(parseCatalogQuery({})).toEqual(defaultCatalogQuery)
    expect(parseCatalogQuery({ status: 'on-fire', sort: 'height', dir: 'up', page: '-2' })).toEqual(
      defaultCatalogQuery,
    )
    // Numbers sort biggest first unless the link says otherwise.
    expect(parseCatalogQuery({ sort: 'users' }).dir).toBe('desc')
    expect(parseCatalogQuery({ page: 'x' }).page).toBe(1)
  })

  it('writes short links that parse back to the same state', () => {
    expect(catalogHref(defaultCatalogQuery)).toBe('/')
    const query = parseCatalogQuery({ q: 'a b', tier: 'gold', sort: 'views', dir: 'asc', page: '2' })
    const href = catalogHref(query, { page: 2 })
    expect(href).toBe('/?q=a+b&tier=gold&sort=views&dir=asc&page=2')
    const back = Object.fromEntries(new URL(href, 'http://x').searchParams)
    expect(parseCatalogQuery(back)).toEqual(query)
    // A new filter starts again on page 1.
    expect(catalogHref(query, { tag: 'daily' })).toBe('/?q=a+b&tier=gold&tag=daily&sort=views&dir=asc')
  })

  it('sorts a new column its natural way first, then flips it', () => {
    expect(sortHref(defaultCatalogQuery, 'cost')).toBe('/?sort=cost')
    expect(sortHref(parseCatalogQuery({ sort: 'cost' }), 'cost')).toBe('/?sort=cost&dir=asc')
    expect(sortHref(defaultCatalogQuery, 'name')).toBe('/?dir=desc')
  })
})

const row = (id: string, facts: Partial<CatalogRowFacts> = {}): CatalogRowFacts => ({
  id,
  name: id,
  description: '',
  owners: [],
  tier: null,
  tags: [],
  status: 'healthy',
  freshnessRatio: null,
  users30d: 0,
  views30d: 0,
  cost30dUsd: 0,
  alerts30d: 0,
  ...facts,
})

describe('catalog view', () => {
  const rows = [
    row('alpha', {
      owners: [{ team: 'growth', slack: '#g' }],
      tier: 'gold',
      tags: ['daily'],
      views30d: 5,
      freshnessRatio: 0.5,
    }),
    row('bravo', {
      owners: [{ name: 'Dana', slack: 'U1' }],
      tier: 'silver',
      status: 'failing',
      views30d: 50,
      description: 'Churn scores',
    }),
    row('charlie', { tier: 'gold', tags: ['daily', 'ml'], status: 'stale', views30d: 20, freshnessRatio: 3 }),
  ]
  const view = (params: Record<string, string>, pageSize?: number) =>
    catalogView(rows, parseCatalogQuery(params), pageSize)
  const ids = (params: Record<string, string>) => view(params).rows.map((r) => r.id)

  it('filters by owner, tier, tag, status and words in name, id or description', () => {
    expect(ids({ owner: 'growth' })).toEqual(['alpha'])
    expect(ids({ owner: 'Dana' })).toEqual(['bravo'])
    expect(ids({ tier: 'gold' })).toEqual(['alpha', 'charlie'])
    expect(ids({ tag: 'ml' })).toEqual(['charlie'])
    expect(ids({ status: 'failing' })).toEqual(['bravo'])
    expect(ids({ q: 'CHURN' })).toEqual(['bravo'])
    expect(ids({ q: 'churn alpha' })).toEqual([])
    expect(ids({ tier: 'gold', tag: 'daily', q: 'char' })).toEqual(['charlie'])
  })

  it('sorts by any column both ways, values missing last', () => {
    expect(ids({ sort: 'views' })).toEqual(['bravo', 'charlie', 'alpha'])
    expect(ids({ sort: 'views', dir: 'asc' })).toEqual(['alpha', 'charlie', 'bravo'])
    expect(ids({ sort: 'status' })).toEqual(['bravo', 'charlie', 'alpha'])
    expect(ids({ sort: 'freshness', dir: 'desc' })).toEqual(['charlie', 'alpha', 'bravo'])
    expect(ids({ sort: 'freshness', dir: 'asc' })).toEqual(['alpha', 'charlie', 'bravo'])
    expect(ids({ sort: 'owner' })).toEqual(['bravo', 'alpha', 'charlie'])
    expect(ids({ dir: 'desc' })).toEqual(['charlie', 'bravo', 'alpha'])
  })

  it('pages over every matching row and clamps a page past the end', () => {
    expect(view({ page: '2' }, 2)).toMatchObject({ matching: 3, page: 2, pages: 2 })
    expect(view({ page: '2' }, 2).rows.map((r) => r.id)).toEqual(['charlie'])
    expect(view({ page: '9' }, 2).page).toBe(2)
    expect(view({ status: 'failing', page: '4' }, 2)).toMatchObject({ matching: 1, page: 1, pages: 1 })
  })

  it('offers every owner, tier and tag once, sorted', () => {
    expect(filterOptions(rows)).toEqual({
      owners: ['Dana', 'growth'],
      tiers: ['gold', 'silver'],
      tags: ['daily', 'ml'],
    })
  })
})

describe('sparkline', () => {
  it('spans the width and puts zero on the bottom edge and the peak near the top', () => {
    const s = sparkline([0, 5, 10], 100, 20)
    expect(s.line).toBe('M0 20 L50 11 L100 2')
    expect(s.area).toBe('M0 20 L50 11 L100 2 L100 20 L0 20 Z')
    expect(s.last).toEqual({ x: 100, y: 2 })
    expect(s.max).toBe(10)
  })

  it('draws all zeros flat on the baseline, one value across, and nothing for no values', () => {
    expect(sparkline([0, 0, 0], 60, 10).line).toBe('M0 10 L30 10 L60 10')
    expect(sparkline([4], 60, 10).line).toBe('M0 2 L60 2')
    expect(sparkline([], 60, 10)).toEqual({ line: '', area: '', last: null, max: 0 })
  })
})
