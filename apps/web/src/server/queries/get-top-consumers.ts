import { type Consumer, topConsumers } from '@steward/usage'
import { staleWhileRevalidate } from '../cache/stale-while-revalidate.ts'
import type { Db } from '../read-database.ts'

/** How old a product's 30-day top consumers may be, as the catalog's and portfolio's 30-day figures. */
const maxAgeMs = 60_000

/**
 * The product page's top consumers: the 30-day counts are kept a minute per product (served at
 * once, refreshed in the background), as the catalog's 30-day figures are: they count a busy
 * product's raw events (index-only, migration 0028, but tens of thousands of entries). The labels
 * owners give are read fresh each time, so a name just given shows at once.
 */
export async function getTopConsumers(db: Db, productId: string): Promise<Consumer[]> {
  const counted = await staleWhileRevalidate(`top-consumers:${productId}`, maxAgeMs, () =>
    topConsumers(db, productId),
  )
  if (counted.length === 0) return counted
  // In: at most ten actor hashes. Out: their labels. Reads actor_labels by its primary key; no locks.
  const labels = await db
    .selectFrom('actor_labels')
    .select(['actor_hash', 'label'])
    .where(
      'actor_hash',
      'in',
      counted.map((c) => c.actorHash),
    )
    .execute()
  const labelOf = new Map(labels.map((row) => [row.actor_hash, row.label]))
  return counted.map((c) => ({ ...c, label: labelOf.get(c.actorHash) ?? null }))
}
