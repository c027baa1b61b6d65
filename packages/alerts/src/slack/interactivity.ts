import { ackIncident, snoozeIncident } from '../incidents/ack-and-snooze.ts'
import type { Db } from '../incidents/outbox.ts'
import { durationMs } from '../rules/duration.ts'
import { ackActionId, snoozeActionId } from './render.ts'
import { verifySlackSignature } from './verify-signature.ts'

export type InteractionResult = { status: 200 | 400 | 401; body: { text?: string; error?: string } }

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Slack's interactivity request (a button in an alert): verified first (signature and timestamp),
 * then `steward_ack` / `steward_snooze` applied to the incident in the button's value.
 */
export async function handleSlackInteraction(
  db: Db,
  request: {
    signingSecret: string
    timestamp: string | null
    signature: string | null
    rawBody: string
    nowMs?: number
  },
): Promise<InteractionResult> {
  const verified = verifySlackSignature(request)
  if (!verified.ok) return { status: 401, body: { error: verified.reason } }
  const form = new URLSearchParams(request.rawBody)
  let payload: {
    user?: { id?: string; username?: string }
    actions?: { action_id?: string; value?: string }[]
  }
  try {
    payload = JSON.parse(form.get('payload') ?? '')
  } catch {
    return { status: 400, body: { error: 'payload is not JSON' } }
  }
  const by = payload.user?.username ?? payload.user?.id ?? 'someone in Slack'
  for (const action of payload.actions ?? []) {
    const [incidentId = '', snoozeFor = '1h'] = (action.value ?? '').split('|')
    if (!uuid.test(incidentId)) continue
    if (action.action_id === ackActionId) {
      const incident = await ackIncident(db, incidentId, by)
      return {
        status: 200,
        body: { text: incident ? `Acknowledged by ${by}` : 'That incident is no longer open' },
      }
    }
    if (action.action_id === snoozeActionId) {
      const until = new Date((request.nowMs ?? Date.now()) + (durationMs(snoozeFor) ?? 3_600_000))
      const incident = await snoozeIncident(db, incidentId, until, by)
      return {
        status: 200,
        body: {
          text: incident
            ? `Snoozed by ${by} until ${until.toISOString()}`
            : 'That incident is no longer open',
        },
      }
    }
  }
  return { status: 200, body: {} }
}
