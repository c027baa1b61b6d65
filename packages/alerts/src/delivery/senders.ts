import { sql } from 'kysely'
import type { Db } from '../incidents/outbox.ts'
import { receiverDestinationPattern } from '../receivers/receiver-backlog.ts'

/**
 * The processes that can send to Slack, in SQL (`alert_senders`), for every process to read: a
 * delivering process registers when it starts, beats while it runs and closes its row when it
 * stops. Times are the database's clock, the one every process shares.
 */

/** A sender that beat within this long is alive (senders beat every 10 s). */
export const liveSenderSeconds = 30
export const senderBeatMs = 10_000

export async function registerSender(db: Db, id: string): Promise<void> {
  await db
    .insertInto('alert_senders')
    .values({ id })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: sql`now()`, closed_at: null }))
    .execute()
  // Rows of senders gone for a day say nothing the newest one does not.
  await db.deleteFrom('alert_senders').where('seen_at', '<', sql<Date>`now() - interval '1 day'`).execute()
}

export async function beatSender(db: Db, id: string): Promise<void> {
  await db.updateTable('alert_senders').set({ seen_at: sql`now()` }).where('id', '=', id).execute()
}

export async function closeSender(db: Db, id: string): Promise<void> {
  await db
    .updateTable('alert_senders')
    .set({ seen_at: sql`now()`, closed_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}

/** What the Slack outbox is waiting for, as `/api/health` and the alerts page need it. */
export interface DeliveryBacklog {
  /** Processes that can send to Slack now. */
  liveSenders: number
  /** Pending notifications. */
  pending: number
  /** Pending notifications older than `waitingMs`. */
  waiting: number
  oldestPendingAt: Date | null
  /** The last time any process could send (a live one: now), or null when none ever could. */
  lastSenderAt: Date | null
  /** The database's clock. */
  now: Date
}

/**
 * The outbox's backlog and who can drain it. One statement: the pending index
 * (`notifications_pending_idx`) and the handful of sender rows.
 */
export async function deliveryBacklog(
  db: Db,
  options: { waitingMs?: number } = {},
): Promise<DeliveryBacklog> {
  const waitingMs = options.waitingMs ?? 300_000
  // Webhooks, PagerDuty and e-mail have their own senders and check (receivers/receiver-backlog.ts).
  const slackOnly = sql`destination !~ ${receiverDestinationPattern}`
  const row = await sql<{
    live: number
    pending: number
    waiting: number
    oldest: Date | null
    last_sender_at: Date | null
    now: Date
  }>`
    select
      (select count(*)::int from alert_senders
        where closed_at is null and seen_at > now() - make_interval(secs => ${liveSenderSeconds})) as live,
      (select count(*)::int from notifications where status = 'pending' and ${slackOnly}) as pending,
      (select count(*)::int from notifications
        where status = 'pending' and ${slackOnly} and created_at < now() - make_interval(secs => ${waitingMs / 1000})) as waiting,
      (select min(created_at) from notifications where status = 'pending' and ${slackOnly}) as oldest,
      (select max(coalesce(closed_at, seen_at)) from alert_senders) as last_sender_at,
      now() as now`.execute(db)
  const r = row.rows[0]
  const now = new Date(r?.now ?? Date.now())
  const live = Number(r?.live ?? 0)
  return {
    liveSenders: live,
    pending: Number(r?.pending ?? 0),
    waiting: Number(r?.waiting ?? 0),
    oldestPendingAt: r?.oldest ? new Date(r.oldest) : null,
    lastSenderAt: live > 0 ? now : r?.last_sender_at ? new Date(r.last_sender_at) : null,
    now,
  }
}

/**
 * Why notifications cannot go out, or undefined: some have waited over `waitingMs` and no process
 * has been able to send for that long. A message for the operator, naming the fix.
 */
export function stuckDeliveryProblem(backlog: DeliveryBacklog, waitingMs = 300_000): string | undefined {
  if (backlog.waiting === 0 || backlog.liveSenders > 0) return undefined
  const since = backlog.lastSenderAt
  if (since && backlog.now.getTime() - since.getTime() < waitingMs) return undefined
  const minutes = Math.round(waitingMs / 60_000)
  return `${backlog.waiting} Slack notification${backlog.waiting === 1 ? ' has' : 's have'} waited over ${minutes} minutes and no Steward process can send ${backlog.waiting === 1 ? 'it' : 'them'}${since ? ` (the last one that could stopped at ${since.toISOString()})` : ''}: set SLACK_BOT_TOKEN on at least one process (steward dev or steward worker)`
}
