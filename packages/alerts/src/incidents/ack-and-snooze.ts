import type { Incident } from '@steward/db'
import type { Db } from './outbox.ts'

/** Acknowledges an open incident: no more reminders. Returns the incident, or undefined when there is none open by that id. */
export async function ackIncident(
  db: Db,
  incidentId: string,
  by: string,
  at = new Date(),
): Promise<Incident | undefined> {
  return db
    .updateTable('incidents')
    .set({ acked_at: at, acked_by: by })
    .where('id', '=', incidentId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
}

/** Snoozes an open incident until `until`: no follow-ups or reminders before then; resolution still shows. */
export async function snoozeIncident(
  db: Db,
  incidentId: string,
  until: Date,
  by: string,
): Promise<Incident | undefined> {
  return db
    .updateTable('incidents')
    .set({ snoozed_until: until, snoozed_by: by })
    .where('id', '=', incidentId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
}
