import { type AuditActor, recordAudit } from '@steward/db'
import { durationMs } from '@steward/kernel'
import { ackIncident, snoozeIncident } from '../incidents/ack-and-snooze.ts'
import type { Db } from '../incidents/outbox.ts'
import { md } from './mrkdwn.ts'
import { ackActionId, snoozeActionId } from './render.ts'
import { verifySlackSignature } from './verify-signature.ts'

export type InteractionResult = {
  status: 200 | 400 | 401
  body: { text?: string; error?: string; response_type?: 'ephemeral'; replace_original?: boolean }
}

interface SlackPayload {
  user?: { id?: string; username?: string; name?: string }
  /** Where the button was pressed: the channel the alert was posted in. */
  channel?: { id?: string; name?: string }
  /** Where a reply to the presser goes (Slack ignores the HTTP answer's body for buttons). */
  response_url?: string
  actions?: { action_id?: string; value?: string }[]
}

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
  let payload: SlackPayload
  try {
    payload = JSON.parse(form.get('payload') ?? '')
  } catch {
    return { status: 400, body: { error: 'payload is not JSON' } }
  }
  const reply = await applyButton(db, payload, request.nowMs ?? Date.now())
  // Slack ignores the body of a block_actions answer: a reply reaches the presser through response_url.
  if (reply.text && payload.response_url) await sendToResponseUrl(payload.response_url, reply)
  return { status: 200, body: reply }
}

async function applyButton(db: Db, payload: SlackPayload, nowMs: number): Promise<InteractionResult['body']> {
  const by = payload.user?.username ?? payload.user?.id ?? 'someone in Slack'
  for (const action of payload.actions ?? []) {
    const [incidentId = '', snoozeFor = '1h'] = (action.value ?? '').split('|')
    if (!uuid.test(incidentId)) continue
    if (action.action_id !== ackActionId && action.action_id !== snoozeActionId) continue
    const refusal = await ownerRefusal(db, incidentId, payload)
    if (refusal) return { response_type: 'ephemeral', replace_original: false, text: refusal }
    if (action.action_id === ackActionId) {
      const incident = await ackIncident(db, incidentId, by)
      if (incident) await audit(db, payload, 'incident.ack', incidentId)
      return { text: incident ? md`Acknowledged by ${by}`.text : 'That incident is no longer open' }
    }
    const until = new Date(nowMs + (durationMs(snoozeFor) ?? 3_600_000))
    const incident = await snoozeIncident(db, incidentId, until, by)
    if (incident) await audit(db, payload, 'incident.snooze', incidentId, { until: until.toISOString() })
    return {
      text: incident
        ? md`Snoozed by ${by} until ${until.toISOString()}`.text
        : 'That incident is no longer open',
    }
  }
  return {}
}

/**
 * The audit row of a press that changed an incident: the Slack user (`U0001 (@ana)`), and the
 * channel it was pressed in as where it came from. Done after the change: a failed write is
 * logged, and the button still answers what it did.
 */
async function audit(
  db: Db,
  payload: SlackPayload,
  action: 'incident.ack' | 'incident.snooze',
  incidentId: string,
  details?: Record<string, unknown>,
): Promise<void> {
  const user = payload.user
  const handle = user?.username ?? user?.name
  const name = [user?.id, handle && `(@${handle})`].filter(Boolean).join(' ') || 'someone in Slack'
  const channel = payload.channel?.name ? `#${payload.channel.name}` : payload.channel?.id
  const actor: AuditActor = {
    kind: 'slack',
    name,
    via: 'slack',
    source: channel ? `Slack channel ${channel}` : undefined,
  }
  try {
    await recordAudit(db, { actor, action, target: { kind: 'incident', id: incidentId }, details })
  } catch (error) {
    console.error(`[steward alerts] the audit log did not take ${action}`, error)
  }
}

/** Best effort: the button already did its work, so a reply Slack does not take is only logged. */
async function sendToResponseUrl(url: string, reply: InteractionResult['body']): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...reply }),
      signal: AbortSignal.timeout(3_000),
    })
    if (!response.ok) console.warn(`[steward alerts] Slack response_url answered ${response.status}`)
  } catch (error) {
    console.warn(`[steward alerts] Slack response_url failed: ${(error as Error).message}`)
  }
}

/**
 * Acknowledging and snoozing are for a product's owners: a press counts when it comes from one of
 * the owners' Slack destinations (their team channel, by name or id), or from a person listed as
 * an owner or among the ids an owner mentions (`U…`). A press in a stakeholders' channel gets a
 * private note saying whom to ask, and changes nothing. Answers the refusal, or undefined.
 */
async function ownerRefusal(db: Db, incidentId: string, payload: SlackPayload): Promise<string | undefined> {
  const product = await db
    .selectFrom('incidents as i')
    .innerJoin('products as p', 'p.id', 'i.product_id')
    .select(['p.name', 'p.owners'])
    .where('i.id', '=', incidentId)
    .executeTakeFirst()
  if (!product) return undefined
  const pressedFrom = new Set(
    [payload.channel?.id, payload.channel?.name && `#${payload.channel.name}`, payload.user?.id]
      .filter((value): value is string => typeof value === 'string' && value !== '')
      .map((value) => value.toLowerCase()),
  )
  const owning = product.owners.flatMap((owner) => [owner.slack, ...(owner.mention ?? [])])
  if (owning.some((id) => pressedFrom.has(id.toLowerCase()))) return undefined
  const where = product.owners.map((owner) => owner.slack).join(', ')
  return md`Only the owners of ${product.name} can acknowledge or snooze its alerts: ask in ${where}, or use the web UI.`
    .text
}
