import type { Db } from '../incidents/outbox.ts'

/** A destination Slack refused for good, as the product page and `/api/health` show it. */
export interface RefusedDestination {
  destination: string
  /** Slack's word for it: `channel_not_found`, `not_in_channel`, `invalid_auth`… */
  reason: string
  since: Date
}

/**
 * Destinations whose last message Slack refused for good (delivery records it on the channel row
 * and clears it when a message gets through), newest first. With `productId`, only those that
 * refused a message about that product.
 *
 * Contract: reads `alert_channels` (one row per destination; the refused ones are few); with a
 * product, one `exists` per refused destination over the product's notifications
 * (`notifications_product_idx`). Takes no lock.
 */
export async function refusedDestinations(
  db: Db,
  options: { productId?: string; limit?: number } = {},
): Promise<RefusedDestination[]> {
  let query = db
    .selectFrom('alert_channels as c')
    .select(['c.destination', 'c.refused_reason', 'c.refused_at'])
    .where('c.refused_reason', 'is not', null)
  if (options.productId !== undefined) {
    const productId = options.productId
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('notifications as n')
          .select('n.id')
          .where('n.product_id', '=', productId)
          .whereRef('n.destination', '=', 'c.destination')
          .where('n.status', '=', 'failed'),
      ),
    )
  }
  const rows = await query
    .orderBy('c.refused_at', 'desc')
    .limit(options.limit ?? 20)
    .execute()
  return rows.map((row) => ({
    destination: row.destination,
    reason: row.refused_reason ?? '',
    since: row.refused_at ?? new Date(0),
  }))
}

/** What to do about a refused destination, by Slack's reason. */
export function refusedFix(reason: string): string {
  if (reason === 'invalid_auth' || reason === 'not_authed' || reason === 'token_revoked')
    return 'check SLACK_BOT_TOKEN'
  if (reason === 'not_in_channel') return 'invite the Steward app to the channel'
  return 'fix the destination in the definitions or invite the Steward app to the channel'
}

/** One line for an operator: what Slack refused, since when, and what to do. */
export function describeRefused(refused: RefusedDestination): string {
  return `Slack refuses ${refused.destination} (${refused.reason}) since ${refused.since.toISOString()}: alerts to it are not delivered; ${refusedFix(refused.reason)}`
}
