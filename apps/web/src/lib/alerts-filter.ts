/** What the alerts page shows, read from and written to its query string (shareable, no JS). */
export interface AlertsFilter {
  /** Only this product's incidents; undefined for every product. */
  product?: string
  /** `open`: only open incidents; `resolved`: only the history; `all`: both. */
  status: 'all' | 'open' | 'resolved'
  /** Page of the resolved history, from 1. */
  page: number
  /** Page of the open incidents, from 1 (left out when 1). */
  openPage?: number
}

export const historyPageSize = 15
/** Open incidents a page, most severe and most recent first: an incident with its messages is a few kB. */
export const openPageSize = 10

type SearchParams = Record<string, string | string[] | undefined>

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)

/** The filter in a URL's search params; anything unknown falls back to the default, never an error. */
export function parseAlertsFilter(params: SearchParams): AlertsFilter {
  const product = first(params.product)?.trim()
  const status = first(params.status)
  const page = Number.parseInt(first(params.page) ?? '', 10)
  const openPage = Number.parseInt(first(params.open) ?? '', 10)
  return {
    product: product ? product : undefined,
    status: status === 'open' || status === 'resolved' ? status : 'all',
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 10_000) : 1,
    ...(Number.isFinite(openPage) && openPage > 1 ? { openPage: Math.min(openPage, 10_000) } : {}),
  }
}

/** The URL of the alerts page for a filter; defaults are left out so links stay short. */
export function alertsHref(filter: AlertsFilter, change: Partial<AlertsFilter> = {}): `/alerts${string}` {
  const next = { ...filter, ...change }
  const query = new URLSearchParams()
  if (next.product) query.set('product', next.product)
  if (next.status !== 'all') query.set('status', next.status)
  if (next.page > 1) query.set('page', String(next.page))
  if (next.openPage && next.openPage > 1) query.set('open', String(next.openPage))
  const text = query.toString()
  return text ? `/alerts?${text}` : '/alerts'
}
