import { alertLedger } from '@steward/alerts'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { parseQuery } from '#server/api/parse-input.ts'
import { ledgerQuery } from '#server/api/schemas.ts'
import { getDb } from '#server/db.ts'

export const dynamic = 'force-dynamic'

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
  const query = parseQuery(ledgerQuery, request)
  if (!query.ok) return query.response
  const { product, days } = query.value
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
