import type { RuntimeQueue } from '@steward/engine/control'
import { getDb } from '../db.ts'
import type { Db } from '../read-database.ts'
import { getQueue } from '../runs/queue.ts'
import { apiError, apiErrorFrom } from './api-error.ts'
import { authorizeApi } from './authorize-api.ts'
import { refusePathId, uuid } from './path-id.ts'

/** The records `operateOnRecord` acts on, with the target `authorizeApi` checks and their 404. */
const records = {
  run: { target: (id: string) => ({ runId: id }), notFound: 'RUN_NOT_FOUND' },
  backfill: { target: (id: string) => ({ backfillId: id }), notFound: 'BACKFILL_NOT_FOUND' },
} as const

/**
 * The frame of a POST route that changes one run or backfill named by the uuid in its path (cancel,
 * retry), in this order: 400 `PATH_INVALID` for an id no record could have; the caller's `operate`
 * right on that record (`authorizeApi`, every product for an id that is no uuid); 404
 * `RUN_NOT_FOUND` / `BACKFILL_NOT_FOUND` for an id that is no uuid; then `act` with the database
 * and the runtime queue, whose errors (an unknown record among them) answer as `apiErrorFrom` says.
 *
 * @example
 * export function POST(request: Request, context: { params: Promise<{ id: string }> }) {
 *   return operateOnRecord(request, context, 'run', async ({ db, queue, id }) => {
 *     const { status } = await cancelRun(db, id, { queue })
 *     return Response.json({ runId: id, status })
 *   })
 * }
 */
export async function operateOnRecord(
  request: Request,
  context: { params: Promise<{ id: string }> },
  record: keyof typeof records,
  act: (on: { db: Db; queue: RuntimeQueue; id: string }) => Promise<Response>,
): Promise<Response> {
  const { id } = await context.params
  const badPath = refusePathId(id, record)
  if (badPath) return badPath
  const { target, notFound } = records[record]
  const refused = await authorizeApi(request, 'operate', uuid.test(id) ? target(id) : undefined)
  if (refused) return refused
  if (!uuid.test(id)) return apiError(404, notFound, `no ${record} ${id}`)
  try {
    const { db } = await getDb()
    return await act({ db, queue: await getQueue(), id })
  } catch (error) {
    return apiErrorFrom(error)
  }
}
