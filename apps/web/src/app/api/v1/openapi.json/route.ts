import { openApiDocument } from '#server/api/openapi/openapi-document.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /api/v1/openapi.json → the OpenAPI 3.1 document of every route, generated from the zod
 * schemas the routes validate with. Open, like the reference page (/api-reference) that reads it:
 * it describes the API, not its data.
 */
export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'Cache-Control': 'no-store' } })
}
