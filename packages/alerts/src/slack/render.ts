import type { Incident, SlackPayload } from '@steward/db'

/**
 * Block Kit for every kind of message. Plain functions of the incident rows, so a notification
 * recorded without a Slack token shows exactly what Slack would have shown.
 */

/** Button action ids the interactivity endpoint understands. */
export const ackActionId = 'steward_ack'
export const snoozeActionId = 'steward_snooze'

type IncidentView = Pick<
  Incident,
  'id' | 'title' | 'detail' | 'severity' | 'status' | 'runbook' | 'fire_count' | 'acked_by' | 'product_id'
>

const severityIcon: Record<string, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
}

function icon(incident: IncidentView): string {
  return incident.status === 'resolved'
    ? ':white_check_mark:'
    : (severityIcon[incident.severity] ?? ':red_circle:')
}

function line(incident: IncidentView): string {
  const title = incident.status === 'resolved' ? `~${incident.title}~ resolved` : `*${incident.title}*`
  const extra = [
    incident.fire_count > 1 ? `${incident.fire_count} times` : '',
    incident.acked_by ? `acknowledged by ${incident.acked_by}` : '',
    incident.runbook ? `<${incident.runbook}|runbook>` : '',
  ].filter(Boolean)
  return `${icon(incident)} ${title}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`
}

/** The top-level message: one incident, or every incident grouped into this message. */
export function renderFirst(incidents: readonly IncidentView[]): SlackPayload {
  const open = incidents.filter((i) => i.status === 'open').length
  const header =
    incidents.length === 1
      ? line(incidents[0] as IncidentView)
      : `${open > 0 ? ':rotating_light:' : ':white_check_mark:'} *${incidents.length} alerts* (${open} open)`
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: header } }]
  if (incidents.length === 1) {
    const only = incidents[0] as IncidentView
    if (only.detail)
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(only.detail, 2900) } })
  } else {
    const list = incidents.slice(0, 40).map((incident) => `• ${line(incident)}`)
    if (incidents.length > 40) list.push(`…and ${incidents.length - 40} more`)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(list.join('\n'), 2900) } })
  }
  const actionable = incidents.filter((i) => i.status === 'open')
  if (actionable.length === 1) {
    const id = (actionable[0] as IncidentView).id
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ackActionId,
          text: { type: 'plain_text', text: 'Acknowledge' },
          value: id,
        },
        {
          type: 'button',
          action_id: snoozeActionId,
          text: { type: 'plain_text', text: 'Snooze 1h' },
          value: `${id}|1h`,
        },
      ],
    })
  }
  const text =
    incidents.length === 1 ? plain(incidents[0] as IncidentView) : `${incidents.length} alerts (${open} open)`
  return { text, blocks }
}

/** A repeat, in the thread; repeats that arrive before it goes out are folded into it (the count says so). */
export function renderFollowUp(incident: IncidentView): SlackPayload {
  const text = `Fired again (${incident.fire_count} times in all): ${incident.title}`
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: `:repeat: ${text}` } }]
  if (incident.detail)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(incident.detail, 2900) } })
  return { text, blocks }
}

export function renderResolved(incident: IncidentView, reason: string): SlackPayload {
  const text = `Resolved: ${incident.title}${reason ? ` — ${reason}` : ''}`
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: ${text}` } }] }
}

export function renderReminder(incident: IncidentView, openFor: string): SlackPayload {
  const text = `Still open after ${openFor}: ${incident.title}`
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:alarm_clock: ${text}` } }] }
}

export function renderDeliveryProblem(destination: string, reason: string, about: string): SlackPayload {
  const text = `Steward could not post to ${destination} (${reason}): ${about}. Invite the Steward app to the channel or fix the destination.`
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }] }
}

export interface DigestFigures {
  productName: string
  period: string
  runs: number
  failedRuns: number
  openIncidents: string[]
  lastSuccessAt: Date | null
  costUsd: number
}

export function renderDigest(figures: DigestFigures): SlackPayload {
  const lines = [
    `*${figures.productName}*: ${figures.period} digest`,
    `Runs: ${figures.runs} (${figures.failedRuns} failed)`,
    `Last success: ${figures.lastSuccessAt ? figures.lastSuccessAt.toISOString() : 'never'}`,
    `Cost: $${figures.costUsd.toFixed(2)}`,
    figures.openIncidents.length > 0 ? `Open: ${figures.openIncidents.join('; ')}` : 'No open incidents',
  ]
  return {
    text: `${figures.productName}: ${figures.period} digest`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }],
  }
}

function plain(incident: IncidentView): string {
  return `${incident.status === 'resolved' ? 'Resolved: ' : ''}${incident.title}`
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`
}
