'use server'

import { ackIncident, snoozeIncident } from '@steward/alerts'
import { readUsageCalendar } from '@steward/usage'
import type { Route } from 'next'
import { redirect } from 'next/navigation'
import { isSnoozeChoice, snoozeUntil } from '#lib/snooze-until.ts'
import { uuid } from '#server/api/path-id.ts'
import { auditUi } from '../audit/audit-web.ts'
import { authorizeOperation } from '../auth/authorize.ts'
import type { Viewer } from '../auth/viewer.ts'
import { getDb } from '../db.ts'

/*
 * Acknowledge and snooze from the alerts page, as server actions: plain form posts that work
 * without client JavaScript, accepted by Next.js only from this app's own origin (CSRF; see
 * ../runs/actions.ts). The page comes back with the same filter and a word on what happened.
 */

export type AlertOutcome = 'acked' | 'snoozed' | 'gone' | 'failed' | 'forbidden'

// The incident and the page to come back to travel as plain form fields: a bound argument would
// put an encrypted copy of each in every form, and the page has one or two forms per incident.
const field = (form: FormData, name: string) => {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}

/** Acknowledge: no more reminders; the incident stays open until its rule resolves it. */
export async function ackIncidentAction(form: FormData): Promise<void> {
  const incidentId = field(form, 'incident')
  const returnTo = field(form, 'returnTo')
  let outcome: AlertOutcome = 'gone'
  if (uuid.test(incidentId)) {
    try {
      const { db } = await getDb()
      // Owners of the incident's product and admins only (the local admin without sign-in).
      const allowed = await authorizeOperation(db, { incidentId })
      if (!allowed.ok) outcome = 'forbidden'
      else outcome = (await ackIncident(db, incidentId, actorOf(allowed.viewer))) ? 'acked' : 'gone'
      if (allowed.ok && outcome === 'acked') await auditUi(allowed.viewer, 'incident.ack', { incidentId })
    } catch (error) {
      console.error(`[steward web] acknowledging incident ${incidentId} failed`, error)
      outcome = 'failed'
    }
  }
  redirect(back(returnTo, outcome, incidentId))
}

/** Snooze for 1 h, 4 h or until 09:00 tomorrow (usage calendar's zone); the choice is the button's value. */
export async function snoozeIncidentAction(form: FormData): Promise<void> {
  const incidentId = field(form, 'incident')
  const returnTo = field(form, 'returnTo')
  const choice = form.get('for')
  let outcome: AlertOutcome = 'gone'
  if (uuid.test(incidentId) && isSnoozeChoice(choice)) {
    try {
      const { db } = await getDb()
      const allowed = await authorizeOperation(db, { incidentId })
      if (!allowed.ok) outcome = 'forbidden'
      else {
        const { timezone } = await readUsageCalendar(db)
        const until = snoozeUntil(choice, new Date(), timezone)
        outcome = (await snoozeIncident(db, incidentId, until, actorOf(allowed.viewer))) ? 'snoozed' : 'gone'
        if (outcome === 'snoozed')
          await auditUi(allowed.viewer, 'incident.snooze', { incidentId }, { until: until.toISOString() })
      }
    } catch (error) {
      console.error(`[steward web] snoozing incident ${incidentId} failed`, error)
      outcome = 'failed'
    }
  } else if (uuid.test(incidentId)) {
    outcome = 'failed'
  }
  redirect(back(returnTo, outcome, incidentId))
}

const actorOf = (viewer: Viewer) =>
  viewer.id === 'local-admin' ? 'local admin' : (viewer.email ?? viewer.name)

/** Back to the alerts page the form was on (never elsewhere), with the outcome for the notice. */
function back(returnTo: string, outcome: AlertOutcome, incidentId: string): Route {
  const url = new URL(returnTo.startsWith('/alerts') ? returnTo : '/alerts', 'http://steward.local')
  if (url.pathname !== '/alerts') url.pathname = '/alerts'
  url.searchParams.set('done', outcome)
  url.searchParams.set('incident', incidentId)
  return `${url.pathname}${url.search}#incident-${incidentId}` as Route
}
