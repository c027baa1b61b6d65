import { sql } from 'kysely'
import type { Db } from '../incidents/outbox.ts'

/** What leasing a channel found: leased, nothing to send, or not before a time (pacing or another holder). */
export type Lease = { kind: 'leased' } | { kind: 'idle' } | { kind: 'later'; at: Date; heldBy?: string }

/**
 * Leases one channel if it has a pending notification and its pacing allows a send now. The lease
 * (not a held transaction) makes one process at a time talk to a channel, whatever the queue does
 * (a stalled job run twice, two workers), and the transaction is not held open across the Slack
 * call (on embedded PGlite that would stall every connection).
 */
export async function leaseChannel(
  db: Db,
  destination: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<Lease> {
  const until = new Date(now.getTime() + leaseMs)
  const leased = await sql<{ destination: string }>`
    update alert_channels set lease_owner = ${owner}, lease_until = ${until}
    where destination = ${destination}
      and next_send_at <= ${now}
      and (lease_until is null or lease_until < ${now})
      and exists (select 1 from notifications n where n.destination = ${destination} and n.status = 'pending')
    returning destination`.execute(db)
  if (leased.rows.length > 0) return { kind: 'leased' }
  const channel = await channelWork(db, destination)
  if (!channel) return { kind: 'idle' }
  if (channel.leaseUntil && channel.leaseUntil.getTime() >= now.getTime()) {
    return {
      kind: 'later',
      at: channel.leaseUntil,
      ...(channel.leaseOwner ? { heldBy: channel.leaseOwner } : {}),
    }
  }
  return { kind: 'later', at: channel.nextSendAt }
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

export interface ChannelWork {
  destination: string
  nextSendAt: Date
  leaseUntil: Date | null
  leaseOwner: string | null
}

/** The channel's pacing if it has a pending notification, else undefined. */
export async function channelWork(db: Db, destination: string): Promise<ChannelWork | undefined> {
  return (await channelsWithWork(db, { only: destination }))[0]
}

/** Every channel with a pending notification (or just `only`), with the time it may send next. */
export async function channelsWithWork(db: Db, filter: { only?: string } = {}): Promise<ChannelWork[]> {
  const only = filter.only
  const rows = await sql<{
    destination: string
    next_send_at: Date
    lease_until: Date | null
    lease_owner: string | null
  }>`
    select c.destination, c.next_send_at, c.lease_until, c.lease_owner from alert_channels c
    where ${'only' in filter ? sql`c.destination = ${only ?? null}` : sql`true`}
      and exists (select 1 from notifications n where n.destination = c.destination and n.status = 'pending')`.execute(
    db,
  )
  return rows.rows.map((row) => ({
    destination: row.destination,
    nextSendAt: new Date(row.next_send_at),
    leaseUntil: row.lease_until ? new Date(row.lease_until) : null,
    leaseOwner: row.lease_owner,
  }))
}
