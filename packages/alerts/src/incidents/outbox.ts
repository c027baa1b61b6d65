import { type Database, json, type NotificationKind, type SlackPayload } from '@steward/db'
import type { Kysely, Transaction } from 'kysely'
import { receiverTakes } from '../receivers/receiver-destination.ts'

export type Db = Kysely<Database>
export type Trx = Transaction<Database> | Kysely<Database>

export interface OutboxEntry {
  destination: string
  productId: string
  ruleKey: string
  incidentId: string | null
  kind: NotificationKind
  payload: SlackPayload
  at: Date
}

/**
 * Adds a notification to the outbox, inside the caller's transaction (the one that changed the
 * incident), and makes sure its destination has a pacing row for the delivery loop to lease.
 * A kind a receiver does not take (a PagerDuty service gets no repeats) is not added: undefined.
 * One statement: the pacing row (left as it is when the destination has one) is inserted by a CTE
 * of the notification's insert.
 */
export async function addToOutbox(trx: Trx, entry: OutboxEntry): Promise<string | undefined> {
  if (!receiverTakes(entry.destination, entry.kind)) return undefined
  const row = await trx
    .with('channel', (db) =>
      db
        .insertInto('alert_channels')
        .values({ destination: entry.destination, next_send_at: entry.at })
        .onConflict((oc) => oc.column('destination').doNothing()),
    )
    .insertInto('notifications')
    .values({
      destination: entry.destination,
      product_id: entry.productId,
      rule_key: entry.ruleKey,
      incident_id: entry.incidentId,
      kind: entry.kind,
      payload: json(entry.payload),
      status: 'pending',
      created_at: entry.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
