import type { SeriesRange } from '@steward/usage'
import { usageError } from '@steward/usage'
import { seriesQuery as seriesQuerySchema } from '../api/schemas.ts'

/** `?granularity=day|week|month&from=YYYY-MM-DD&to=YYYY-MM-DD` (granularity defaults to day). */
export function seriesQuery(request: Request): SeriesRange {
  const params = new URL(request.url).searchParams
  const granularity = params.get('granularity') ?? 'day'
  const query = seriesQuerySchema.safeParse({
    granularity,
    from: params.get('from') || undefined,
    to: params.get('to') || undefined,
  })
  if (!query.success)
    throw usageError('USAGE_QUERY_INVALID', `granularity must be day, week or month (got "${granularity}")`)
  const { from, to } = query.data
  return { granularity: query.data.granularity, ...(from ? { from } : {}), ...(to ? { to } : {}) }
}
