import type { Notification } from '@steward/db'
import type { Release } from '../delivery/channel-lease.ts'
import type { DeliveryOutcome } from '../delivery/deliver-next.ts'
import { addToOutbox, type Db } from '../incidents/outbox.ts'
import { renderDeliveryProblem } from '../slack/render.ts'
import { alertMessageOf } from './alert-message.ts'
import { type Receiver, type ReceiverFailure, ReceiverSendError } from './receiver.ts'

export interface ReceiverDeliverySettings {
  /** Least time between two sends to one receiver. */
  paceMs: number
  backoffBaseMs: number
  backoffMaxMs: number
  /** A notification still failing this long after it was created is given up (recorded as failed). */
  giveUpAfterMs: number
  webUrl?: string | undefined
  now: () => Date
}

/**
 * Delivers the receiver's oldest pending notification (FIFO per receiver), with its channel leased
 * by the caller (`leaseChannel`, as Slack delivery does). The send and the record of it are not one
 * transaction: the row is marked sent right after the receiver accepted it, only while still
 * pending, and the lease keeps every other process off the receiver meanwhile; what a crash between
 * the two could send again carries the same idempotency key (webhook), `dedup_key` (PagerDuty) or
 * Message-ID (e-mail).
 *
 * A final refusal (a 4xx but 408/429, PagerDuty 400, SMTP 5xx) marks the notification failed with
 * the reason and tells the owners on Slack; a transient one is retried with backoff (or after
 * Retry-After) until `giveUpAfterMs`, then failed too: no notification is retried for ever.
 */
export async function deliverToReceiver(
  db: Db,
  destination: string,
  receiver: Receiver,
  settings: ReceiverDeliverySettings,
): Promise<{ outcome: DeliveryOutcome; release: Release }> {
  const now = settings.now()
  const next = await db
    .selectFrom('notifications')
    .selectAll()
    .where('destination', '=', destination)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  if (!next) return { outcome: 'idle', release: { nextSendAt: now } }
  try {
    await receiver.send(await alertMessageOf(db, next, settings.webUrl))
    await db
      .updateTable('notifications')
      .set((eb) => ({ status: 'sent', sent_at: now, attempts: eb('attempts', '+', 1), last_error: null }))
      .where('id', '=', next.id)
      .where('status', '=', 'pending')
      .execute()
    const sentAt = settings.now()
    return { outcome: 'sent', release: { nextSendAt: new Date(sentAt.getTime() + settings.paceMs), sentAt } }
  } catch (error) {
    const failure: ReceiverFailure =
      error instanceof ReceiverSendError
        ? error.failure
        : { kind: 'transient', reason: String(error).slice(0, 200) }
    const reason = failure.detail ? `${failure.reason}: ${failure.detail}` : failure.reason
    const attempts = next.attempts + 1
    const age = now.getTime() - next.created_at.getTime()
    if (failure.kind === 'permanent' || age >= settings.giveUpAfterMs) {
      const why =
        failure.kind === 'permanent'
          ? reason
          : `gave up after ${attempts} attempts over ${Math.round(age / 60_000)} min: ${reason}`
      await db
        .updateTable('notifications')
        .set((eb) => ({ status: 'failed', last_error: why, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', next.id)
        .execute()
      await tellOwnersOnSlack(db, next, failure.reason, now)
      return { outcome: 'failed', release: { nextSendAt: now } }
    }
    await db
      .updateTable('notifications')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: reason }))
      .where('id', '=', next.id)
      .execute()
    const waitMs =
      failure.kind === 'transient' && failure.retryAfterMs !== undefined
        ? Math.min(failure.retryAfterMs, settings.backoffMaxMs * 10)
        : Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.min(attempts - 1, 20))
    return { outcome: 'retry', release: { nextSendAt: new Date(settings.now().getTime() + waitMs) } }
  }
}

/**
 * A receiver that refused a notification for good is told to the product's owners on their Slack
 * destinations, once per receiver and reason (as Slack's own refusals are told on other channels).
 */
async function tellOwnersOnSlack(db: Db, failed: Notification, reason: string, at: Date): Promise<void> {
  const product = await db
    .selectFrom('products')
    .select(['owners', 'name'])
    .where('id', '=', failed.product_id)
    .executeTakeFirst()
  if (!product) return
  const ruleKey = `delivery:${failed.destination}:${reason}`
  for (const destination of new Set(product.owners.map((owner) => owner.slack))) {
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
