/**
 * The catalog's state as it lives in the query string, so a filtered, sorted view is a link to
 * share: `/?q=churn&owner=ml-platform&tier=gold&tag=daily&status=failing&sort=cost&dir=desc&page=2`.
 * Parsing never fails: an unknown value falls back to the default, so an old or hand-edited link
 * still opens the catalog.
 */

export const productStatuses = ['healthy', 'failing', 'stale'] as const
export type ProductStatus = (typeof productStatuses)[number]

export const catalogSortKeys = [
  'name',
  'owner',
  'tier',
  'status',
  'freshness',
  'users',
  'views',
  'cost',
  'alerts',
] as const
export type CatalogSortKey = (typeof catalogSortKeys)[number]
export type SortDirection = 'asc' | 'desc'

export interface CatalogQuery {
  /** Words to find in the name, id or description (case-insensitive, all must match). */
  q: string
  owner: string
  tier: string
  tag: string
  status: ProductStatus | ''
  sort: CatalogSortKey
  dir: SortDirection
  /** 1-based. */
  page: number
}

export const defaultCatalogQuery: CatalogQuery = {
  q: '',
  owner: '',
  tier: '',
  tag: '',
  status: '',
  sort: 'name',
  dir: 'asc',
  page: 1,
}

/** Figures read best biggest first; words and states read best from the top of the alphabet or worst first. */
export function defaultDirection(sort: CatalogSortKey): SortDirection {
  return sort === 'users' || sort === 'views' || sort === 'cost' || sort === 'alerts' || sort === 'status'
    ? 'desc'
    : 'asc'
}

export type SearchParams = Record<string, string | string[] | undefined>

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined
}

/** Next's `searchParams` (or any record of them) → the catalog's state. */
export function parseCatalogQuery(params: SearchParams): CatalogQuery {
  const sort = oneOf(first(params.sort), catalogSortKeys) ?? defaultCatalogQuery.sort
  const dir = oneOf(first(params.dir), ['asc', 'desc'] as const) ?? defaultDirection(sort)
  const page = Number.parseInt(first(params.page), 10)
  return {
    // Bounded: a search box, not a place to paste a novel.
    q: first(params.q).slice(0, 200),
    owner: first(params.owner),
    tier: first(params.tier),
    tag: first(params.tag),
    status: oneOf(first(params.status), productStatuses) ?? '',
    sort,
    dir,
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  }
}

/**
 * The address of the catalog with `changes` applied. Defaults are left out so links stay short,
 * and any change other than the page goes back to page 1 (page 3 of another filter means little).
 */
export function catalogHref(query: CatalogQuery, changes: Partial<CatalogQuery> = {}): string {
  const next = { ...query, ...changes }
  if (!('page' in changes)) next.page = 1
  const params = new URLSearchParams()
  for (const key of ['q', 'owner', 'tier', 'tag', 'status'] as const) {
    if (next[key] !== '') params.set(key, next[key])
  }
  if (next.sort !== defaultCatalogQuery.sort) params.set('sort', next.sort)
  if (next.dir !== defaultDirection(next.sort)) params.set('dir', next.dir)
  if (next.page > 1) params.set('page', String(next.page))
  const search = params.toString()
  return search === '' ? '/' : `/?${search}`
}

/** The link a column header points at: its own default direction first, then the other way. */
export function sortHref(query: CatalogQuery, sort: CatalogSortKey): string {
  const dir = query.sort === sort ? (query.dir === 'asc' ? 'desc' : 'asc') : defaultDirection(sort)
  return catalogHref(query, { sort, dir })
}

/** True when any filter narrows the list (the search box included). */
export function isFiltered(query: CatalogQuery): boolean {
  return query.q !== '' || query.owner !== '' || query.tier !== '' || query.tag !== '' || query.status !== ''
}
