import type { Incident } from '@steward/db'
import { renderFirstFor } from '../slack/render.ts'
import { audienceOf } from './destinations.ts'
import { channelLeased } from './incident-lifecycle.ts'
import { productViews } from './message-context.ts'
import { addToOutbox, type Db, type Trx } from './outbox.ts'

/**
 * Acknowledges an open incident: no more reminders, and the first message in every channel of it
 * (owners' and stakeholders') is edited to say who and when. Returns the incident, or undefined
 * when there is none open by that id.
 */
export async function ackIncident(
  db: Db,
  incidentId: string,
  by: string,
  at = new Date(),
): Promise<Incident | undefined> {
  return db.transaction().execute(async (trx) => {
    const incident = await trx
      .updateTable('incidents')
      .set({ acked_at: at, acked_by: by })
      .where('id', '=', incidentId)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst()
    if (incident) await queueFirstMessageUpdates(trx, incident, at)
    return incident
  })
}

/**
 * Snoozes an open incident until `until`: no follow-ups or reminders before then; resolution still
 * shows. The first message in every channel of it says who snoozed it and until when.
 */
export async function snoozeIncident(
  db: Db,
  incidentId: string,
  until: Date,
  by: string,
  at = new Date(),
): Promise<Incident | undefined> {
  return db.transaction().execute(async (trx) => {
    const incident = await trx
      .updateTable('incidents')
      .set({ snoozed_until: until, snoozed_by: by })
      .where('id', '=', incidentId)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst()
    if (incident) await queueFirstMessageUpdates(trx, incident, at)
    return incident
  })
}

/**
 * An `update` notification per channel whose first message about the incident is out (or on its
 * way: its channel is leased, so it may have been rendered before this change). A first message
 * still waiting renders the incident as it is when it goes, and a pending update is not doubled:
 * it too renders at delivery. Through the outbox, so the edit is paced, retried, and sent by any
 * process that can send, whichever process took the press.
 */
async function queueFirstMessageUpdates(trx: Trx, incident: Incident, at: Date): Promise<void> {
  const firsts = await trx
    .selectFrom('notifications')
    .select(['destination', 'status', 'kind'])
    .where('incident_id', '=', incident.id)
    .where('kind', 'in', ['first', 'update'])
    .where('status', 'in', ['pending', 'sent'])
    .execute()
  const products = await productViews(trx, [incident.product_id])
  for (const destination of incident.destinations) {
    const mine = firsts.filter((n) => n.destination === destination)
    const first = mine.find((n) => n.kind === 'first')
    if (!first) continue
    if (mine.some((n) => n.kind === 'update' && n.status === 'pending')) continue
    if (first.status === 'pending' && !(await channelLeased(trx, destination))) continue
    await addToOutbox(trx, {
      destination,
      productId: incident.product_id,
      ruleKey: incident.rule_key,
      incidentId: incident.id,
      kind: 'update',
      payload: renderFirstFor(audienceOf(incident, destination), [incident], products),
      at,
    })
  }
}
