import { type Incident, json, type Notification, type OwnerRef, type SlackPayload } from '@steward/db'
import { type Audience, audienceOf } from '../incidents/destinations.ts'
import { incidentsByIds, productViews } from '../incidents/message-context.ts'
import type { Db } from '../incidents/outbox.ts'
import { receiverDestinationsOf } from '../receivers/receiver-destination.ts'
import { renderFirstFor } from '../slack/render.ts'
import { type SlackFailure, SlackSendError, type SlackTransport } from '../slack/slack-transport.ts'
import type { Release } from './channel-lease.ts'
import { backoffMs, markFailed, markRetry, pendingHead } from './notification-states.ts'
import { tellOwnersElsewhere } from './tell-owners.ts'

export interface DeliverySettings {
  transport: SlackTransport
  /** Least time between two messages to one channel. Default 1000 ms (Slack allows about one a second). */
  paceMs: number
  /** A new top-level message waits this long after the previous one, and lists every incident opened meanwhile. */
  groupWindowMs: number
  backoffBaseMs: number
  backoffMaxMs: number
  /** Top-level messages grouped at most. */
  maxGroup: number
  now: () => Date
}

/** What one delivery slot did, for the loop's counters and the benchmark. */
export type DeliveryOutcome = 'sent' | 'waiting' | 'retry' | 'failed' | 'idle'

/**
 * Delivers the channel's oldest pending notification (FIFO per channel; a top-level message takes
 * every top-level notification pending for the channel with it, of the same audience: owners and
 * stakeholders never share a message). While the group window holds a top-level message back, the
 * oldest reply to a thread already posted goes ahead of it (FIFO holds per thread), so a channel
 * with work waiting posts at its pace rather than once per window. Called with the channel leased.
 * A notification is marked sent in the same statement that records Slack's ts, and a row with a ts
 * is never posted again. An `update` edits its incident's first message in this channel
 * (chat.update), rendered from the incidents as they are now, so it shows the latest
 * acknowledgement or snooze.
 */
export async function deliverNext(
  db: Db,
  destination: string,
  settings: DeliverySettings,
): Promise<{ outcome: DeliveryOutcome; release: Release }> {
  const now = settings.now()
  const head = await pendingHead(db, destination)
  if (!head) return { outcome: 'idle', release: { nextSendAt: now } }

  const channel = await db
    .selectFrom('alert_channels')
    .select(['group_until', 'refused_reason'])
    .where('destination', '=', destination)
    .executeTakeFirst()
  // A message got through: the destination is not refused (any more). Written only then.
  const sent = async (release: Release): Promise<{ outcome: DeliveryOutcome; release: Release }> => {
    if (channel?.refused_reason) await setRefused(db, destination, null, now)
    return { outcome: 'sent', release }
  }
  let next = head
  if (head.kind === 'first' && channel?.group_until && channel.group_until.getTime() > now.getTime()) {
    const reply = await replyReady(db, destination)
    if (!reply) return { outcome: 'waiting', release: { nextSendAt: channel.group_until } }
    next = reply
  }

  let group: Notification[] = [next]
  try {
    if (next.kind === 'first') {
      // The first messages at the head of the channel's queue, up to the next other kind: FIFO holds.
      const queue = await db
        .selectFrom('notifications')
        .selectAll()
        .where('destination', '=', destination)
        .where('status', '=', 'pending')
        .orderBy('id')
        .limit(settings.maxGroup)
        .execute()
      const heads = await incidentsOf(db, queue)
      const byId = new Map(heads.map((incident) => [incident.id, incident]))
      const audience = (n: Notification) => {
        const incident = n.incident_id ? byId.get(n.incident_id) : undefined
        return incident ? audienceOf(incident, destination) : 'owners'
      }
      const stop = queue.findIndex((n) => n.kind !== 'first' || audience(n) !== audience(next))
      group = stop === -1 ? queue : queue.slice(0, stop)
      const incidents = [...new Set(group.flatMap((n) => (n.incident_id ? [n.incident_id] : [])))].flatMap(
        (id) => byId.get(id) ?? [],
      )
      const payload =
        incidents.length > 0 ? await renderFirstNow(db, audience(next), incidents) : next.payload
      const posted = await settings.transport.postMessage({ channel: destination, payload })
      // Slack had the post by the time it answered: the pace counts from here, so the next post
      // arrives at least `paceMs` after this one, and the bookkeeping below is not added to it.
      const sentAt = settings.now()
      await db
        .updateTable('notifications')
        .set((eb) => ({
          status: 'sent',
          slack_channel: posted.channel,
          slack_ts: posted.ts,
          payload: json(payload),
          sent_at: now,
          attempts: eb('attempts', '+', 1),
          last_error: null,
        }))
        .where(
          'id',
          'in',
          group.map((n) => n.id),
        )
        .execute()
      return sent({
        nextSendAt: new Date(sentAt.getTime() + settings.paceMs),
        groupUntil: new Date(sentAt.getTime() + settings.groupWindowMs),
        sentAt,
      })
    }

    let threadTs: string | undefined
    let postTo = destination
    if (next.incident_id !== null) {
      const first = await db
        .selectFrom('notifications')
        .selectAll()
        .where('incident_id', '=', next.incident_id)
        .where('destination', '=', destination)
        .where('kind', '=', 'first')
        .orderBy('id')
        .executeTakeFirst()
      if (!first?.slack_ts || !first.slack_channel) {
        const why = first?.last_error
          ? `the first message was not delivered (${first.last_error})`
          : 'no first message'
        await markFailed(db, [next.id], why)
        return { outcome: 'failed', release: { nextSendAt: now } }
      }
      threadTs = first.slack_ts
      postTo = first.slack_channel
      if (next.kind === 'update') {
        const payload = await firstMessageNow(db, first)
        await settings.transport.update({ channel: first.slack_channel, ts: first.slack_ts, payload })
        const sentAt = settings.now()
        await db
          .updateTable('notifications')
          .set((eb) => ({
            status: 'sent',
            slack_channel: first.slack_channel,
            slack_ts: first.slack_ts,
            payload: json(payload),
            sent_at: now,
            attempts: eb('attempts', '+', 1),
            last_error: null,
          }))
          .where('id', '=', next.id)
          .execute()
        return sent({ nextSendAt: new Date(sentAt.getTime() + settings.paceMs), sentAt })
      }
      if (next.kind === 'resolved' && next.first_updated_at === null) {
        await settings.transport.update({
          channel: first.slack_channel,
          ts: first.slack_ts,
          payload: await firstMessageNow(db, first),
        })
        await db
          .updateTable('notifications')
          .set({ first_updated_at: now })
          .where('id', '=', next.id)
          .execute()
      }
    }
    const posted = await settings.transport.postMessage({
      channel: postTo,
      payload: next.payload,
      ...(threadTs ? { threadTs } : {}),
    })
    const sentAt = settings.now()
    await db
      .updateTable('notifications')
      .set((eb) => ({
        status: 'sent',
        slack_channel: posted.channel,
        slack_ts: posted.ts,
        thread_ts: threadTs ?? null,
        sent_at: now,
        attempts: eb('attempts', '+', 1),
        last_error: null,
      }))
      .where('id', '=', next.id)
      .execute()
    return sent({ nextSendAt: new Date(sentAt.getTime() + settings.paceMs), sentAt })
  } catch (error) {
    const failure: SlackFailure =
      error instanceof SlackSendError
        ? error.failure
        : { kind: 'transient', reason: String(error).slice(0, 200) }
    const ids = group.map((n) => n.id)
    if (failure.kind === 'permanent') {
      await markFailed(db, ids, failure.reason)
      // The destination itself is refused (an edit of a message gone is not): shown until one gets through.
      if (next.kind !== 'update') await setRefused(db, destination, failure.reason, now)
      // An edit that did not take loses no alert: only lost messages are told elsewhere, on the
      // owners' other Slack destinations and their webhook or e-mail (PagerDuty takes no delivery problems).
      const reach = (owner: OwnerRef) => [owner.slack, ...receiverDestinationsOf(owner)]
      if (next.kind !== 'delivery_problem' && next.kind !== 'update')
        await tellOwnersElsewhere(db, next, failure.reason, now, reach)
      return { outcome: 'failed', release: { nextSendAt: now } }
    }
    await markRetry(db, ids, failure.reason)
    const waitMs =
      failure.kind === 'rate_limited' ? failure.retryAfterMs : backoffMs(settings, next.attempts + 1)
    return { outcome: 'retry', release: { nextSendAt: new Date(settings.now().getTime() + waitMs) } }
  }
}

/**
 * The channel's oldest pending notification that is not a top-level message and whose thread is
 * already in Slack (its incident's first message here has a ts), or that belongs to no incident.
 * Only the oldest pending one of each incident qualifies, so replies keep their order in a thread.
 * Reads the pending index (`notifications_pending_idx`) of one channel.
 */
async function replyReady(db: Db, destination: string): Promise<Notification | undefined> {
  return db
    .selectFrom('notifications as n')
    .selectAll('n')
    .where('n.destination', '=', destination)
    .where('n.status', '=', 'pending')
    .where('n.kind', '!=', 'first')
    .where((eb) =>
      eb.or([
        eb('n.incident_id', 'is', null),
        eb.and([
          eb.exists(
            eb
              .selectFrom('notifications as f')
              .select('f.id')
              .whereRef('f.incident_id', '=', 'n.incident_id')
              .where('f.destination', '=', destination)
              .where('f.kind', '=', 'first')
              .where('f.slack_ts', 'is not', null),
          ),
          eb.not(
            eb.exists(
              eb
                .selectFrom('notifications as o')
                .select('o.id')
                .whereRef('o.incident_id', '=', 'n.incident_id')
                .where('o.destination', '=', destination)
                .where('o.status', '=', 'pending')
                .whereRef('o.id', '<', 'n.id'),
            ),
          ),
        ]),
      ]),
    )
    .orderBy('n.id')
    .limit(1)
    .executeTakeFirst()
}

function incidentsOf(db: Db, notifications: readonly Notification[]) {
  return incidentsByIds(
    db,
    notifications.flatMap((n) => (n.incident_id ? [n.incident_id] : [])),
  )
}

/**
 * A first message as it should read now: every incident it announced (a grouped message lists
 * several), for the audience of its channel, from the incident rows as they are.
 */
async function firstMessageNow(db: Db, first: Notification): Promise<SlackPayload> {
  const sameMessage = await db
    .selectFrom('notifications')
    .selectAll()
    .where('slack_channel', '=', first.slack_channel)
    .where('slack_ts', '=', first.slack_ts)
    .where('kind', '=', 'first')
    .execute()
  const incidents = await incidentsOf(db, sameMessage.length > 0 ? sameMessage : [first])
  if (incidents.length === 0) return first.payload
  return renderFirstNow(db, audienceOf(incidents[0] as Incident, first.destination), incidents)
}

/** The first message of an audience; only the stakeholders' names the products (one more query). */
async function renderFirstNow(
  db: Db,
  audience: Audience,
  incidents: readonly Incident[],
): Promise<SlackPayload> {
  const products =
    audience === 'stakeholders'
      ? await productViews(
          db,
          incidents.map((i) => i.product_id),
        )
      : new Map()
  return renderFirstFor(audience, incidents, products)
}

async function setRefused(db: Db, destination: string, reason: string | null, at: Date): Promise<void> {
  await db
    .updateTable('alert_channels')
    .set({ refused_reason: reason, refused_at: reason === null ? null : at })
    .where('destination', '=', destination)
    .execute()
}
