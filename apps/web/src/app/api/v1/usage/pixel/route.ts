import { isStewardError } from '@steward/kernel'
import { ingestEvents } from '@steward/usage'
import { getDb } from '#server/db.ts'
import { authorize } from '#server/usage/authorize.ts'
import { usageSalt } from '#server/usage/usage-salt.ts'

export const dynamic = 'force-dynamic'

/** A transparent 1×1 GIF. */
const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

/**
 * GET /api/v1/usage/pixel?product=<id>&token=<ingest token>[&actor=…][&kind=view][&id=…][&source=…]
 * counts one event and answers a 1×1 GIF, for BI dashboards that can embed an image but not call
 * an API (docs/recipes/track-usage-from-a-dashboard.md). Without `actor`, the viewer is the
 * (hashed) pair of address and browser. A refused event still gets the GIF, with a 4xx status and
 * the reason in `X-Steward-Error`, so a dashboard never shows a broken image.
 */
export async function GET(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams
  try {
    const token = await authorize(request, 'ingest', { queryToken: params.get('token') })
    const address = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? 'unknown'
    const actor = params.get('actor') || `anonymous:${address}:${request.headers.get('user-agent') ?? ''}`
    const event: Record<string, unknown> = {
      product: params.get('product') ?? '',
      kind: params.get('kind') ?? 'view',
      actor,
      source: params.get('source') ?? 'pixel',
    }
    const id = params.get('id')
    if (id) event.id = id
    const { db } = await getDb()
    const result = await ingestEvents(db, [event], {
      salt: usageSalt(),
      origin: `token:${token.id}`,
      products: token.products,
    })
    const problem = result.rejected[0]
    return pixel(problem ? 400 : 200, problem ? `${problem.field}: ${problem.message}` : undefined)
  } catch (error) {
    if (isStewardError(error) && error.code.startsWith('TOKEN_')) return pixel(401, error.message)
    console.error('steward web: the usage pixel failed:', error instanceof Error ? error.message : error)
    return pixel(503, 'the event could not be stored')
  }
}

function pixel(status: number, problem?: string): Response {
  const headers: Record<string, string> = {
    'Content-Type': 'image/gif',
    'Cache-Control': 'no-store, max-age=0',
  }
  if (problem) headers['X-Steward-Error'] = problem.replace(/[^\x20-\x7e]/g, '?')
  return new Response(gif, { status, headers })
}
