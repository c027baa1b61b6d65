import { usageSeries } from '@steward/usage'
import { refusePathId } from '#server/api/path-id.ts'
import { getDb } from '#server/db.ts'
import { authorize } from '#server/usage/authorize.ts'
import { seriesQuery } from '#server/usage/series-query.ts'
import { usageApiError } from '#server/usage/usage-api-error.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /api/v1/products/:id/usage?granularity=day|week|month&from=YYYY-MM-DD&to=YYYY-MM-DD with a
 * token that has the read scope → `{"productId","granularity","timezone","weekStartsOn","periods":
 * [{"period":"2026-03-02","events":{"view":12},"totalEvents":12,"actors":5,"returningActors":3,
 * "returningRatio":0.6}]}`. Every period of the range is listed; dates are local to the configured
 * time zone; default range: 30 days, 12 weeks or 12 months to today.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, 'product')
  if (badPath) return badPath
  try {
    await authorize(request, 'read', { target: { productId: id } })
    const { db } = await getDb()
    return Response.json(await usageSeries(db, id, seriesQuery(request)), {
      headers: { 'Cache-Control': 'no-store' },
    })
  } catch (error) {
    return usageApiError(error)
  }
}
