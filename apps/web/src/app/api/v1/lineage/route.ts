import { focusOnProduct } from '#lib/lineage-graph.ts'
import { apiError, apiErrorFrom } from '#server/api/api-error.ts'
import { authorizeApi } from '#server/api/authorize-api.ts'
import { getDb } from '#server/db.ts'
import { getLineage } from '#server/queries/get-lineage.ts'

export const dynamic = 'force-dynamic'

const maxProductChars = 200

/**
 * GET /api/v1/lineage[?product=<id>] with a read-scope token → `{"nodes":[{"id","kind","label",
 * "status","productId","href","upstreamProblem","upstreamProblems",…}],"edges":[{"from","to",
 * "kind"}]}`: products, their tables and the pipelines between them, every edge pointing
 * downstream. With `product`, only that product's neighbourhood (what feeds it, what it feeds);
 * 404 for a product not deployed.
 */
export async function GET(request: Request): Promise<Response> {
  const refused = await authorizeApi(request, 'read')
  if (refused) return refused
  const wanted = new URL(request.url).searchParams.getAll('product')
  if (wanted.length > 1) return apiError(400, 'QUERY_INVALID', 'give at most one product= query parameter')
  const product = wanted[0]
  if (product !== undefined && (product.length === 0 || product.length > maxProductChars))
    return apiError(
      400,
      'QUERY_INVALID',
      `product= must be a product id of 1 to ${maxProductChars} characters`,
    )
  try {
    const { db } = await getDb()
    const graph = await getLineage(db)
    const answer = product === undefined ? graph : focusOnProduct(graph, product)
    // The id is echoed through JSON, which escapes it; it never reaches SQL.
    if (!answer)
      return apiError(404, 'PRODUCT_NOT_FOUND', `no product ${JSON.stringify(product)} is deployed`)
    return Response.json(answer, { headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
