import type { OwnerRef } from '@steward/db'
import type { CatalogQuery, CatalogSortKey, ProductStatus } from './catalog-query.ts'

/** What filtering and sorting look at in a catalog row (the query's row has more). */
export interface CatalogRowFacts {
  id: string
  name: string
  description: string
  owners: OwnerRef[]
  tier: string | null
  tags: string[]
  status: ProductStatus
  /** Age of the newest success over the promise (1 = due now); null without a promise. */
  freshnessRatio: number | null
  users30d: number
  views30d: number
  cost30dUsd: number
  alerts30d: number
}

/** How an owner is named in lists and filters: the team, else the person, else the Slack destination. */
export function ownerLabel(owner: OwnerRef): string {
  return owner.team ?? owner.name ?? owner.slack
}

export const catalogPageSize = 50

export interface CatalogView<Row> {
  /** The rows of the requested page. */
  rows: Row[]
  /** Rows matching the filters, over every page. */
  matching: number
  page: number
  pages: number
}

/** Worst first when sorted descending. */
const statusRank: Record<ProductStatus, number> = { healthy: 0, stale: 1, failing: 2 }

type SortValue = string | number | null

function sortValue(row: CatalogRowFacts, key: CatalogSortKey): SortValue {
  switch (key) {
    case 'name':
      return row.name.toLowerCase()
    case 'owner':
      return row.owners[0] ? ownerLabel(row.owners[0]).toLowerCase() : null
    case 'tier':
      return row.tier?.toLowerCase() ?? null
    case 'status':
      return statusRank[row.status]
    case 'freshness':
      return row.freshnessRatio
    case 'users':
      return row.users30d
    case 'views':
      return row.views30d
    case 'cost':
      return row.cost30dUsd
    case 'alerts':
      return row.alerts30d
  }
}

function matches(row: CatalogRowFacts, query: CatalogQuery, words: string[]): boolean {
  if (query.owner !== '' && !row.owners.some((owner) => ownerLabel(owner) === query.owner)) return false
  if (query.tier !== '' && row.tier !== query.tier) return false
  if (query.tag !== '' && !row.tags.includes(query.tag)) return false
  if (query.status !== '' && row.status !== query.status) return false
  if (words.length === 0) return true
  const text = `${row.name}\n${row.id}\n${row.description}`.toLowerCase()
  return words.every((word) => text.includes(word))
}

/**
 * Filters, sorts and cuts one page out of every product. In memory on purpose: 2,000 rows are a
 * few hundred kilobytes already read by set-based queries, and sorting them here lets every
 * column (status and freshness included, which are computed) sort the same way. Rows without a
 * value (no owner, no tier, no promise) go last in both directions; ties keep name order.
 */
export function catalogView<Row extends CatalogRowFacts>(
  rows: readonly Row[],
  query: CatalogQuery,
  pageSize = catalogPageSize,
): CatalogView<Row> {
  const words = query.q.toLowerCase().split(/\s+/).filter(Boolean)
  const sign = query.dir === 'asc' ? 1 : -1
  const sorted = rows
    .filter((row) => matches(row, query, words))
    .map((row) => ({ row, value: sortValue(row, query.sort) }))
    .sort((a, b) => {
      if (a.value !== b.value) {
        if (a.value === null) return 1
        if (b.value === null) return -1
        return (a.value < b.value ? -1 : 1) * sign
      }
      return a.row.name.localeCompare(b.row.name) || a.row.id.localeCompare(b.row.id)
    })
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize))
  const page = Math.min(query.page, pages)
  return {
    rows: sorted.slice((page - 1) * pageSize, page * pageSize).map((entry) => entry.row),
    matching: sorted.length,
    page,
    pages,
  }
}

/** The values a filter can take, from every product (not only the matching ones), sorted. */
export function filterOptions(rows: readonly CatalogRowFacts[]): {
  owners: string[]
  tiers: string[]
  tags: string[]
} {
  const owners = new Set<string>()
  const tiers = new Set<string>()
  const tags = new Set<string>()
  for (const row of rows) {
    for (const owner of row.owners) owners.add(ownerLabel(owner))
    if (row.tier) tiers.add(row.tier)
    for (const tag of row.tags) tags.add(tag)
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b))
  return { owners: sorted(owners), tiers: sorted(tiers), tags: sorted(tags) }
}
