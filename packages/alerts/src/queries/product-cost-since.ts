import { sql } from 'kysely'
import type { Trx } from '../incidents/outbox.ts'

/** What a product's cost entries add up to from `from` on, in USD (0 with none). */
export async function productCostSince(trx: Trx, productId: string, from: Date): Promise<number> {
  const row = await trx
    .selectFrom('cost_entries')
    .select(sql<string>`coalesce(sum(usd), 0)`.as('usd'))
    .where('product_id', '=', productId)
    .where('at', '>=', from)
    .executeTakeFirstOrThrow()
  return Number(row.usd)
}
