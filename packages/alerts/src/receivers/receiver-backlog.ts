import { receiverEnvName } from '@steward/pipelines'
import { sql } from 'kysely'
import type { Db } from '../incidents/outbox.ts'
import { parseReceiverDestination } from './receiver-destination.ts'

/** Pending notifications of a receiver no process has tried. */
export interface UnservedReceiver {
  destination: string
  waiting: number
  oldestPendingAt: Date
}

/** Receiver destinations in SQL: what `parseReceiverDestination` reads. */
export const receiverDestinationPattern = '^(webhook|pagerduty|email):'

/**
 * The receivers whose pending notifications have waited over `waitingMs` without a single attempt:
 * no running process has their settings (one that has them tries within a second, and a receiver
 * in backoff has an attempt on its oldest notification).
 *
 * Contract: reads `notifications` through its pending index (`status = 'pending'`), no locks, one
 * row per receiver destination; Slack destinations are not this check's (`deliveryBacklog`).
 */
export async function unservedReceivers(db: Db, waitingMs = 300_000): Promise<UnservedReceiver[]> {
  const rows = await sql<{ destination: string; waiting: number; oldest: Date }>`
    select destination, count(*)::int as waiting, min(created_at) as oldest
    from notifications
    where status = 'pending' and destination ~ ${receiverDestinationPattern}
    group by destination
    having bool_and(attempts = 0) and min(created_at) < now() - make_interval(secs => ${waitingMs / 1000})
    order by destination`.execute(db)
  return rows.rows.map((row) => ({
    destination: row.destination,
    waiting: Number(row.waiting),
    oldestPendingAt: new Date(row.oldest),
  }))
}

/** One line for `/api/health`, naming the settings a process needs; undefined when nothing waits. */
export function unservedReceiversProblem(
  unserved: readonly UnservedReceiver[],
  waitingMs = 300_000,
): string | undefined {
  if (unserved.length === 0) return undefined
  const minutes = Math.round(waitingMs / 60_000)
  return unserved
    .map(({ destination, waiting }) => {
      const receiver = parseReceiverDestination(destination)
      const needs =
        receiver?.kind === 'webhook'
          ? `STEWARD_WEBHOOK_${receiverEnvName(receiver.name)}_URL and _SECRET`
          : receiver?.kind === 'pagerduty'
            ? `STEWARD_PAGERDUTY_${receiverEnvName(receiver.name)}_ROUTING_KEY`
            : 'STEWARD_SMTP_URL'
      return `${waiting} notification${waiting === 1 ? '' : 's'} for ${destination} waited over ${minutes} minutes and no Steward process tried ${waiting === 1 ? 'it' : 'them'}: set ${needs} on at least one process (steward dev, worker or scheduler)`
    })
    .join('; ')
}
