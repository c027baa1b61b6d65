import { sql } from 'kysely'
import type { Db } from '../incidents/outbox.ts'

export interface PruneIncidentsOptions {
  /** Incidents resolved, and notifications of no incident created, before this instant go. */
  before: Date
  /** Rows deleted per transaction. Default 1,000. */
  batch?: number
  /** Called after each committed batch: what it deleted. */
  onBatch?: (deleted: { incidents: number; notifications: number }) => void
  signal?: AbortSignal
}

/**
 * Deletes resolved incidents older than `before` with their notifications (foreign key, on delete
 * cascade), then the notifications that belong to no incident (digests, delivery problems) and
 * left the outbox before then, a batch per transaction. A notification still `pending` is never
 * deleted, nor the incident it belongs to: nothing waiting for Slack is lost. An open incident's
 * notifications stay, however old: its resolve updates and threads under the first message.
 */
export async function pruneIncidents(
  db: Db,
  options: PruneIncidentsOptions,
): Promise<{ incidents: number; notifications: number }> {
  const batch = options.batch ?? 1_000
  const total = { incidents: 0, notifications: 0 }
  for (const step of [deleteIncidentBatch, deleteLooseNotificationBatch]) {
    for (;;) {
      if (options.signal?.aborted) return total
      const deleted = await step(db, options.before, batch)
      total.incidents += deleted.incidents
      total.notifications += deleted.notifications
      if (deleted.incidents + deleted.notifications > 0) options.onBatch?.(deleted)
      if (deleted.rows < batch) break
    }
  }
  return total
}

/**
 * One batch of old resolved incidents.
 *
 * Inputs: the cut-off, the batch size. Output: the incidents deleted and their notifications.
 * Reads `incidents_resolved_idx` (resolved_at, id where status = 'resolved') oldest first, and
 * each one's notifications by `notifications_incident_idx`.
 * Locks: `FOR UPDATE SKIP LOCKED` on the incidents (an ack or a re-fire holding one is skipped, not
 * waited for), then the cascade's row locks on their notifications, which are all sent or failed.
 * Invariants: an open incident, or one with a pending notification, is never deleted.
 */
async function deleteIncidentBatch(db: Db, before: Date, batch: number) {
  const result = await sql<{ notifications: number }>`
    with doomed as (
      select i.id from incidents i
      where i.status = 'resolved' and i.resolved_at < ${before.toISOString()}::timestamptz
        and not exists (select 1 from notifications n where n.incident_id = i.id and n.status = 'pending')
      order by i.resolved_at
      limit ${batch}
      for update of i skip locked
    ),
    gone as (delete from incidents i using doomed d where i.id = d.id returning i.id)
    select (select count(*) from gone)::int as incidents,
      (select count(*) from notifications n join gone g on n.incident_id = g.id)::int as notifications`.execute(
    db,
  )
  const row = result.rows[0] as { incidents?: number; notifications?: number } | undefined
  const incidents = Number(row?.incidents ?? 0)
  return { incidents, notifications: Number(row?.notifications ?? 0), rows: incidents }
}

/**
 * One batch of old notifications of no incident.
 *
 * Inputs: the cut-off, the batch size. Output: how many went.
 * Reads `notifications_created_idx` (created_at) oldest first. Locks: `FOR UPDATE SKIP LOCKED` on
 * the rows it deletes; the delivery loop only writes pending rows, which this never takes.
 * Invariants: a pending notification is never deleted.
 */
async function deleteLooseNotificationBatch(db: Db, before: Date, batch: number) {
  const result = await sql`
    with doomed as (
      select id from notifications
      where created_at < ${before.toISOString()}::timestamptz and incident_id is null and status <> 'pending'
      order by created_at
      limit ${batch}
      for update skip locked
    )
    delete from notifications n using doomed d where n.id = d.id`.execute(db)
  const notifications = Number(result.numAffectedRows ?? 0)
  return { incidents: 0, notifications, rows: notifications }
}

/** What `pruneIncidents` would delete now. */
export async function countPrunableIncidents(
  db: Db,
  before: Date,
): Promise<{ incidents: number; notifications: number }> {
  const result = await sql<{ incidents: string; notifications: string }>`
    with doomed as (
      select i.id from incidents i
      where i.status = 'resolved' and i.resolved_at < ${before.toISOString()}::timestamptz
        and not exists (select 1 from notifications n where n.incident_id = i.id and n.status = 'pending')
    )
    select (select count(*) from doomed) as incidents,
      (select count(*) from notifications n join doomed d on n.incident_id = d.id)
      + (select count(*) from notifications
          where created_at < ${before.toISOString()}::timestamptz and incident_id is null and status <> 'pending')
        as notifications`.execute(db)
  const row = result.rows[0]
  return { incidents: Number(row?.incidents ?? 0), notifications: Number(row?.notifications ?? 0) }
}
