import type { SeriesRange } from '@steward/usage'
import { usageError } from '@steward/usage'

/** `?granularity=day|week|month&from=YYYY-MM-DD&to=YYYY-MM-DD` (granularity defaults to day). */
export function seriesQuery(request: Request): SeriesRange {
  const params = new URL(request.url).searchParams
  const granularity = params.get('granularity') ?? 'day'
  if (granularity !== 'day' && granularity !== 'week' && granularity !== 'month') {
    throw usageError('USAGE_QUERY_INVALID', `granularity must be day, week or month (got "${granularity}")`)
  }
  const from = params.get('from')
  const to = params.get('to')
  return { granularity, ...(from ? { from } : {}), ...(to ? { to } : {}) }
}
