import type { Release } from '../delivery/channel-lease.ts'
import type { DeliveryOutcome } from '../delivery/deliver-next.ts'
import { backoffMs, markFailed, markRetry, pendingHead } from '../delivery/notification-states.ts'
import { tellOwnersElsewhere } from '../delivery/tell-owners.ts'
import type { Db } from '../incidents/outbox.ts'
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
  const next = await pendingHead(db, destination)
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
      await markFailed(db, [next.id], why)
      // On their Slack destinations, as Slack's own refusals are told on the owners' other ones.
      await tellOwnersElsewhere(db, next, failure.reason, now, (owner) => [owner.slack])
      return { outcome: 'failed', release: { nextSendAt: now } }
    }
    await markRetry(db, [next.id], reason)
    const waitMs =
      failure.kind === 'transient' && failure.retryAfterMs !== undefined
        ? Math.min(failure.retryAfterMs, settings.backoffMaxMs * 10)
        : backoffMs(settings, attempts)
    return { outcome: 'retry', release: { nextSendAt: new Date(settings.now().getTime() + waitMs) } }
  }
}
