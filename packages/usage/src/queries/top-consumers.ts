import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'
import { isRealUse } from '../catalog-views.ts'
import { assertProduct } from './assert-product.ts'

export interface Consumer {
  /** HMAC-SHA256(salt, actor): who it is stays unknown unless an owner labels it. */
  actorHash: string
  /** The team name an owner gave this actor, if any. */
  label: string | null
  events: number
  lastAt: Date
}

/** A product's heaviest users over the last `days` days (default 30), with their labels; catalog views are not use. */
export async function topConsumers(
  db: Kysely<Database>,
  productId: string,
  options: { now?: Date; days?: number; limit?: number } = {},
): Promise<Consumer[]> {
  await assertProduct(db, productId)
  const now = options.now ?? new Date()
  const since = new Date(now.getTime() - (options.days ?? 30) * 86_400_000)
  const rows = await sql<{ actor_hash: string; label: string | null; events: string; last_at: Date }>`
    select e.actor_hash, l.label, count(*)::text as events, max(e.at) as last_at
    from usage_events e left join actor_labels l on l.actor_hash = e.actor_hash
    where e.product_id = ${productId} and e.at >= ${since.toISOString()}::timestamptz
      and e.at <= ${now.toISOString()}::timestamptz and ${isRealUse(sql.ref('e.kind'))}
    group by e.actor_hash, l.label
    order by count(*) desc, e.actor_hash
    limit ${options.limit ?? 10}`.execute(db)
  return rows.rows.map((r) => ({
    actorHash: r.actor_hash,
    label: r.label,
    events: Number(r.events),
    lastAt: r.last_at,
  }))
}
