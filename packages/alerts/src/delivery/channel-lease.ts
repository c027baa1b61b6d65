import { sql } from 'kysely'
import type { Db } from '../incidents/outbox.ts'

/**
 * Leases destinations that have a pending notification and whose pacing allows a send now. The
 * lease (not a held transaction) makes one process at a time talk to a channel, so the transaction
 * is not held open across the Slack call (on embedded PGlite that would stall every connection).
 */
export async function leaseDueChannels(
  db: Db,
  owner: string,
  limit: number,
  now: Date,
  leaseMs: number,
): Promise<string[]> {
  if (limit <= 0) return []
  const until = new Date(now.getTime() + leaseMs)
  const rows = await sql<{ destination: string }>`
    update alert_channels set lease_owner = ${owner}, lease_until = ${until}
    where destination in (
      select c.destination from alert_channels c
      where c.next_send_at <= ${now}
        and (c.lease_until is null or c.lease_until < ${now})
        and exists (select 1 from notifications n where n.destination = c.destination and n.status = 'pending')
      order by c.next_send_at
      limit ${limit}
      for update skip locked
    )
    returning destination`.execute(db)
  return rows.rows.map((row) => row.destination)
}

export interface Release {
  nextSendAt: Date
  groupUntil?: Date
  sentAt?: Date
}

/** Gives the channel back with the time it may send again. */
export async function releaseChannel(
  db: Db,
  destination: string,
  owner: string,
  release: Release,
): Promise<void> {
  await db
    .updateTable('alert_channels')
    .set({
      lease_owner: null,
      lease_until: null,
      next_send_at: release.nextSendAt,
      ...(release.groupUntil ? { group_until: release.groupUntil } : {}),
      ...(release.sentAt ? { last_sent_at: release.sentAt } : {}),
    })
    .where('destination', '=', destination)
    .where('lease_owner', '=', owner)
    .execute()
}

/** The earliest time a channel with pending work may send, to sleep until then. */
export async function nextDueAt(db: Db): Promise<Date | undefined> {
  const row = await sql<{ at: Date | null }>`
    select min(greatest(c.next_send_at, coalesce(c.lease_until, c.next_send_at))) as at from alert_channels c
    where exists (select 1 from notifications n where n.destination = c.destination and n.status = 'pending')`.execute(
    db,
  )
  const at = row.rows[0]?.at
  return at ? new Date(at) : undefined
}
