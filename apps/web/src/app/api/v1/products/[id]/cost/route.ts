import { budgetStatus, costSeries } from '@steward/usage'
import { refusePathId } from '#server/api/path-id.ts'
import { getDb } from '#server/db.ts'
import { authorize } from '#server/usage/authorize.ts'
import { seriesQuery } from '#server/usage/series-query.ts'
import { usageApiError } from '#server/usage/usage-api-error.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /api/v1/products/:id/cost?granularity=day|week|month&from=&to= with a read-scope token →
 * `{"productId","granularity","timezone","periods":[{"period","usd","actors","costPerActorUsd"}],
 * "budget":{"month","budgetUsd","monthToDateUsd","forecastUsd","forecastOverBudget",…}}`: cost per
 * period (compute plus what steps reported), cost per active user, and this month against budget.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'product')
  if (badPath) return badPath
  try {
    await authorize(request, 'read', { target: { productId: id } })
    const { db } = await getDb()
    const series = await costSeries(db, id, seriesQuery(request))
    const budget = await budgetStatus(db, id)
    return Response.json({ ...series, budget }, { headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    return usageApiError(error)
  }
}
