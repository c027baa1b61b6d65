import type { Notification } from '@steward/db'
import type { Db } from '../incidents/outbox.ts'

/**
 * The delivery steps that Slack (`deliverNext`) and the other receivers (`deliverToReceiver`)
 * share on a destination's notifications: find the one to send next, and record a failed attempt.
 * Every caller holds the destination's lease (`leaseChannel`), so no other process changes these
 * rows meanwhile but to add new pending ones.
 */

/**
 * The destination's oldest pending notification: the head of its FIFO.
 * Inputs: the destination. Output: the row, or undefined when nothing is pending.
 * Locks: none (a plain read; the caller's lease keeps other senders off the destination).
 * Reads: `notifications_pending_idx` (destination, id where pending), one row.
 */
export function pendingHead(db: Db, destination: string): Promise<Notification | undefined> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('destination', '=', destination)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
}

/**
 * Records a failed attempt that will be tried again: `attempts` + 1, `last_error` = `reason`; the
 * rows stay pending. Inputs: notification ids of the caller's leased destination.
 */
export async function markRetry(db: Db, ids: readonly string[], reason: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: reason }))
    .where('id', 'in', [...ids])
    .execute()
}

/**
 * Gives the notifications up: `failed` with `reason`, `attempts` + 1. Never sent again (delivery
 * takes only pending rows). Inputs: notification ids of the caller's leased destination.
 */
export async function markFailed(db: Db, ids: readonly string[], reason: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set((eb) => ({ status: 'failed', last_error: reason, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', [...ids])
    .execute()
}

/** The wait before attempt `attempts` + 1: `baseMs` doubled per attempt made, at most `maxMs`. */
export function backoffMs(
  settings: { backoffBaseMs: number; backoffMaxMs: number },
  attempts: number,
): number {
  return Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.min(attempts - 1, 20))
}
