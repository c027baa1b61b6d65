import { json, productOfTarget } from '@steward/db'
import { textProblem } from '@steward/kernel'
import type { OperationTarget } from '../auth/authorize.ts'
import type { Db } from '../read-database.ts'

/**
 * What an API call acts on or reads, for the checks of `authorizeApi`: a record (the product is
 * found through it), an event (the products of its listening pipelines), or `'filtered'` for a
 * route that lists records and keeps only the caller's products itself (`callerProducts`). A route
 * that names no target acts on every product, which a token limited to products may not do.
 */
export type ApiTarget = OperationTarget | { eventName: string } | 'filtered'

/** A record target as the audit log names it: `{ runId }` → `{ kind: 'run', id }`. */
export function recordOf(target: OperationTarget): { kind: string; id: string } {
  if ('runId' in target) return { kind: 'run', id: target.runId }
  if ('pipelineId' in target) return { kind: 'pipeline', id: target.pipelineId }
  if ('backfillId' in target) return { kind: 'backfill', id: target.backfillId }
  if ('incidentId' in target) return { kind: 'incident', id: target.incidentId }
  return { kind: 'product', id: target.productId }
}

/**
 * The products a target belongs to: one for a record, any number for an event, none for an id
 * nothing has (the route then answers its own 404).
 */
export async function productsOfTarget(db: Db, target: Exclude<ApiTarget, 'filtered'>): Promise<string[]> {
  if (!('eventName' in target)) {
    const product = await productOfTarget(db, recordOf(target))
    return product === undefined ? [] : [product]
  }
  if (textProblem(target.eventName)) return []
  const rows = await db
    .selectFrom('pipelines')
    .select('product_id')
    .where('archived_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb(
          'triggers',
          '@>',
          eb.cast<unknown[]>(eb.val(json([{ kind: 'event', name: target.eventName }])), 'jsonb'),
        ),
        eb.and([
          eb('id', '=', target.eventName),
          eb('triggers', '@>', eb.cast<unknown[]>(eb.val(json([{ kind: 'event', name: null }])), 'jsonb')),
        ]),
      ]),
    )
    .execute()
  return [...new Set(rows.map((row) => row.product_id))]
}
