import { alertLedger, defaultLedgerDays } from '@steward/alerts'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { refusePathId } from '#server/api/path-id.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

const maxDays = 366

/**
 * GET /api/v1/alerts/ledger?product=<id>&days=30 (read scope) → `{"since","days","lines":[{
 * "productId","productName","ruleKey","destination","notifications","sent","incidents","open",
 * "medianAckMinutes","medianResolveMinutes","flapping","flappingShare","noiseScore",
 * "tuneCandidate"}]}`: the alert ledger per product, rule and destination over the last `days`
 * (1 to 366, default 30), the noisiest first; `product` narrows it to one product (404 when
 * no such product is deployed).
 */
export async function GET(request: Request): Promise<Response> {
  const refused = await authorizeApi(request, 'read')
  if (refused) return refused
  const query = new URL(request.url).searchParams
  const product = query.get('product') ?? undefined
  if (product !== undefined && refusePathId(product, 'product'))
    return apiError(400, 'QUERY_INVALID', 'product must be a product id: 1 to 200 printable characters')
  const daysText = query.get('days')
  const days = daysText === null ? defaultLedgerDays : Number(daysText)
  if (!Number.isInteger(days) || days < 1 || days > maxDays)
    return apiError(
      400,
      'QUERY_INVALID',
      `days must be a whole number from 1 to ${maxDays} (got "${String(daysText).slice(0, 40)}")`,
    )
  try {
    const { db } = await getDb()
    if (
      product &&
      !(await db.selectFrom('products').select('id').where('id', '=', product).executeTakeFirst())
    )
      return apiError(404, 'PRODUCT_NOT_FOUND', `no product "${product}" is deployed`)
    const since = new Date(Date.now() - days * 86_400_000)
    const lines = await alertLedger(db, { ...(product ? { productId: product } : {}), since })
    return Response.json(
      { since: since.toISOString(), days, lines },
      { headers: { 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    return apiErrorFrom(error)
  }
}
