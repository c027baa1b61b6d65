import { audienceOf } from '../../incidents/destinations.ts'
import { isSnoozed } from '../../incidents/incident-lifecycle.ts'
import type { Trx } from '../../incidents/outbox.ts'
import { renderReminder } from '../../slack/render.ts'
import { formatMs } from '../evaluate-finished-runs.ts'
import type { TimerOutcome } from './timer-check.ts'

/**
 * Reminders belong to incidents, not to a rule kind: every open incident, unacknowledged and
 * not snoozed, whose rule asked for one (`remindEvery`) and whose last reminder (or opening) is
 * that long ago gets one in its owners' threads (stakeholders are not asked to act).
 */
export async function remindersDue(trx: Trx, now: Date): Promise<TimerOutcome[]> {
  const open = await trx
    .selectFrom('incidents')
    .selectAll()
    .where('status', '=', 'open')
    .where('acked_at', 'is', null)
    .where('remind_every_seconds', 'is not', null)
    .execute()
  return open.flatMap((incident): TimerOutcome[] => {
    const every = (incident.remind_every_seconds ?? 0) * 1000
    const last = incident.last_reminded_at ?? incident.opened_at
    if (every <= 0 || now.getTime() - last.getTime() < every || isSnoozed(incident, now)) return []
    const payload = renderReminder(incident, formatMs(now.getTime() - incident.opened_at.getTime()))
    const owners = incident.destinations.filter((d) => audienceOf(incident, d) === 'owners')
    const messages = owners.map((destination) => ({
      destination,
      productId: incident.product_id,
      ruleKey: incident.rule_key,
      incidentId: incident.id,
      kind: 'reminder' as const,
      payload,
      at: now,
    }))
    return [{ kind: 'remind', incidentId: incident.id, at: now, messages }]
  })
}
