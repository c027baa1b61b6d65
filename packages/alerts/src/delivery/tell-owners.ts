import type { Notification, OwnerRef } from '@steward/db'
import { addToOutbox, type Db } from '../incidents/outbox.ts'
import { renderDeliveryProblem } from '../slack/render.ts'

/**
 * A destination refused a notification for good: its product's owners are told on the other
 * destinations `reach` gives for each owner (never the one that refused), once per destination and
 * reason (`rule_key` `delivery:<refusing destination>:<reason>`), through the outbox. Nothing for a
 * product that is gone.
 */
export async function tellOwnersElsewhere(
  db: Db,
  failed: Notification,
  reason: string,
  at: Date,
  reach: (owner: OwnerRef) => readonly string[],
): Promise<void> {
  const product = await db
    .selectFrom('products')
    .select(['owners', 'name'])
    .where('id', '=', failed.product_id)
    .executeTakeFirst()
  if (!product) return
  const ruleKey = `delivery:${failed.destination}:${reason}`
  const others = [...new Set(product.owners.flatMap(reach))].filter((d) => d !== failed.destination)
  for (const destination of others) {
    const told = await db
      .selectFrom('notifications')
      .select('id')
      .where('kind', '=', 'delivery_problem')
      .where('destination', '=', destination)
      .where('rule_key', '=', ruleKey)
      .executeTakeFirst()
    if (told) continue
    await addToOutbox(db, {
      destination,
      productId: failed.product_id,
      ruleKey,
      incidentId: null,
      kind: 'delivery_problem',
      payload: renderDeliveryProblem(failed.destination, reason, `an alert about ${product.name}`),
      at,
    })
  }
}
