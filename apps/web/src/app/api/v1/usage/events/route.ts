import { ingestEvents, maxBatchSize } from '@steward/usage'
import { apiError } from '#server/api/api-error.ts'
import { bodyLimits } from '#server/api/body-limits.ts'
import { readJson } from '#server/api/read-json-body.ts'
import { usageBatchBody } from '#server/api/schemas.ts'
import { getDb } from '#server/db.ts'
import { authorize } from '#server/usage/authorize.ts'
import { usageApiError } from '#server/usage/usage-api-error.ts'
import { usageSalt } from '#server/usage/usage-salt.ts'

export const dynamic = 'force-dynamic'

/**
 * POST /api/v1/usage/events with `Authorization: Bearer <token with the ingest scope>` and a body
 * `{"events":[{ product, kind, actor, at?, source?, id?, meta? }, …]}` (or the bare array), at most
 * 1,000 events. The answer names what became of each event:
 *   `{"accepted":N,"stored":N,"duplicates":[i…],"rejected":[{"index":i,"field":"kind","message":"…"}]}`
 * - 200: every event accepted (`duplicates`: ids already stored, not counted twice);
 * - 207: some accepted, the ones in `rejected` refused; every index not in `rejected` was accepted;
 * - 400: none accepted (the same body plus `error`), or the body is not a batch;
 * - 413: the body is over 4 MB (`bodyLimits.usageBatch`), refused before it is read past that.
 * Accepted events are stored even when others in the batch are bad (text with a NUL or a lone
 * surrogate included: that event alone is refused, by index and field). `id` makes retries safe.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const token = await authorize(request, 'ingest')
    const events = await readBatch(request)
    if (events instanceof Response) return events
    const { db } = await getDb()
    const result = await ingestEvents(db, events, {
      salt: usageSalt(),
      origin: `token:${token.id}`,
      products: token.products,
    })
    const headers = { 'Cache-Control': 'no-store' }
    if (result.rejected.length === 0) return Response.json(result, { status: 200, headers })
    if (result.accepted > 0) return Response.json(result, { status: 207, headers })
    return Response.json(
      {
        ...result,
        error: { code: 'EVENTS_INVALID', message: 'no event of the batch was accepted: see rejected' },
      },
      { status: 400, headers },
    )
  } catch (error) {
    return usageApiError(error)
  }
}

async function readBatch(request: Request): Promise<unknown[] | Response> {
  const shape = `{"events":[{"product":"…","kind":"view","actor":"…"}]} (at most ${maxBatchSize} events)`
  const read = await readJson(request, { limit: bodyLimits.usageBatch, shape })
  if (!read.ok) return read.response
  const batch = usageBatchBody.safeParse(read.value)
  if (!batch.success) return apiError(400, 'BODY_INVALID', `the body must be ${shape}`)
  return Array.isArray(batch.data) ? batch.data : batch.data.events
}
