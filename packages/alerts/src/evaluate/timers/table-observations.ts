import type { Trx } from '../../incidents/outbox.ts'
import type { BoundRule } from '../rule-catalog.ts'
import { fire, resolve, type TimerOutcome } from './timer-check.ts'

/** The last observations of a published table, newest first. */
export async function lastObservations(trx: Trx, table: string, limit: number) {
  return trx
    .selectFrom('table_observations')
    .select(['connection', 'observed_at', 'newest_at', 'columns', 'error', 'unreachable', 'row_count'])
    .where('table_name', '=', table)
    .orderBy('observed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

/**
 * A warehouse that does not answer is one incident per connection (and product: its owners hear
 * it), whichever of the product's table rules saw it: they share its rule key and subject, so the
 * first opens it and the others keep it open; any of them resolves it once the connection answers.
 */
function connectionBound(bound: BoundRule): BoundRule {
  return { ...bound, key: `product:${bound.product.id}:warehouse-unreachable`, pipelineId: null }
}

export function connectionDown(
  bound: BoundRule,
  connection: string,
  error: string | null,
  now: Date,
): TimerOutcome {
  return fire(
    connectionBound(bound),
    { key: `connection:${connection}` },
    { title: `warehouse connection "${connection}" does not answer: ${(error ?? '').slice(0, 300)}` },
    now,
  )
}

export function connectionUp(bound: BoundRule, connection: string, now: Date): TimerOutcome {
  return resolve(connectionBound(bound), `connection:${connection}`, 'the warehouse answers again', now)
}
