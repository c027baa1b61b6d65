import type { Incident, SlackPayload } from '@steward/db'
import { boundPayload } from './block-kit-limits.ts'
import { bold, cutText, escapeMrkdwn, link, md, plainText } from './mrkdwn.ts'

/**
 * Block Kit for every kind of message. Plain functions of the incident rows, so a notification
 * recorded before any process could send it shows exactly what Slack will show.
 *
 * What is text and what is mrkdwn: an incident's `title`, `resolved_reason` and `acked_by`, product
 * names and reasons are plain text, escaped here (`mrkdwn.ts`); its `detail` is mrkdwn, which only
 * the `mrkdwn.ts` builders make. Every payload leaves through `boundPayload` (Block Kit's limits).
 */

/** Button action ids the interactivity endpoint understands. */
export const ackActionId = 'steward_ack'
export const snoozeActionId = 'steward_snooze'

/** A title longer than this is cut with an ellipsis: the detail and the run link say the rest. */
const titleMax = 200
/** Incidents listed in a grouped message; the rest are counted. */
const listedMax = 40

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

function titleOf(incident: Pick<IncidentView, 'title'>): string {
  return cutText(incident.title, titleMax)
}

function line(incident: IncidentView): string {
  const title =
    incident.status === 'resolved'
      ? `~${escapeMrkdwn(titleOf(incident).replace(/~/g, '∼'))}~ resolved`
      : bold(titleOf(incident)).text
  const extra = [
    incident.fire_count > 1 ? `${incident.fire_count} times` : '',
    incident.acked_by ? `acknowledged by ${escapeMrkdwn(cutText(incident.acked_by, 80))}` : '',
    incident.runbook ? link(incident.runbook, 'runbook').text : '',
  ].filter(Boolean)
  return `${icon(incident)} ${title}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`
}

function section(text: string): unknown {
  return { type: 'section', text: { type: 'mrkdwn', text } }
}

/** The top-level message: one incident, or every incident grouped into this message. */
export function renderFirst(incidents: readonly IncidentView[]): SlackPayload {
  const open = incidents.filter((i) => i.status === 'open').length
  const header =
    incidents.length === 1
      ? line(incidents[0] as IncidentView)
      : `${open > 0 ? ':rotating_light:' : ':white_check_mark:'} *${incidents.length} alerts* (${open} open)`
  const blocks: unknown[] = [section(header)]
  if (incidents.length === 1) {
    const only = incidents[0] as IncidentView
    if (only.detail) blocks.push(section(only.detail))
  } else {
    const list = incidents.slice(0, listedMax).map((incident) => `• ${line(incident)}`)
    if (incidents.length > listedMax) list.push(`…and ${incidents.length - listedMax} more`)
    blocks.push(section(list.join('\n')))
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
  return boundPayload({ text, blocks })
}

/** A repeat, in the thread; repeats that arrive before it goes out are folded into it (the count says so). */
export function renderFollowUp(incident: IncidentView): SlackPayload {
  const text = md`Fired again (${incident.fire_count} times in all): ${titleOf(incident)}`.text
  const blocks: unknown[] = [section(`:repeat: ${text}`)]
  if (incident.detail) blocks.push(section(incident.detail))
  return boundPayload({ text, blocks })
}

export function renderResolved(incident: IncidentView, reason: string): SlackPayload {
  const text = reason
    ? md`Resolved: ${titleOf(incident)} — ${cutText(reason, 500)}`.text
    : md`Resolved: ${titleOf(incident)}`.text
  return boundPayload({ text, blocks: [section(`:white_check_mark: ${text}`)] })
}

export function renderReminder(incident: IncidentView, openFor: string): SlackPayload {
  const text = md`Still open after ${openFor}: ${titleOf(incident)}`.text
  return boundPayload({ text, blocks: [section(`:alarm_clock: ${text}`)] })
}

export function renderDeliveryProblem(destination: string, reason: string, about: string): SlackPayload {
  const text =
    md`Steward could not post to ${cutText(destination, 100)} (${cutText(reason, 200)}): ${cutText(about, 300)}. Invite the Steward app to the channel or fix the destination.`
      .text
  return boundPayload({ text, blocks: [section(`:warning: ${text}`)] })
}

export interface DigestFigures {
  productName: string
  period: string
  runs: number
  failedRuns: number
  openIncidents: string[]
  lastSuccessAt: Date | null
  costUsd: number
  /** Unique users and views in the period, and in the period before it (usage rollups). */
  usage?: { users: number; usersBefore: number; views: number; viewsBefore: number }
  /** The product's freshness promise, when it has one, and whether the data keeps it now. */
  freshness?: { promise: string; stale: boolean }
}

/** `12 (the week before: 8, +50%)`. */
function againstBefore(now: number, before: number, period: string): string {
  const change = before > 0 ? Math.round(((now - before) / before) * 100) : undefined
  const sign =
    change === undefined ? '' : change > 0 ? `, +${change}%` : change < 0 ? `, −${-change}%` : ', same'
  return `${now} (the ${period === 'weekly' ? 'week' : 'day'} before: ${before}${sign})`
}

export function renderDigest(figures: DigestFigures): SlackPayload {
  const open = figures.openIncidents.slice(0, listedMax).map((title) => cutText(title, titleMax))
  const more = figures.openIncidents.length - open.length
  const lines = [
    md`${bold(cutText(figures.productName, titleMax))}: ${figures.period} digest`.text,
    `Runs: ${figures.runs} (${figures.failedRuns} failed)`,
    ...(figures.usage
      ? [
          `Users: ${againstBefore(figures.usage.users, figures.usage.usersBefore, figures.period)}`,
          `Views: ${againstBefore(figures.usage.views, figures.usage.viewsBefore, figures.period)}`,
        ]
      : []),
    `Last success: ${figures.lastSuccessAt ? figures.lastSuccessAt.toISOString() : 'never'}`,
    ...(figures.freshness
      ? [`Freshness: ${figures.freshness.stale ? 'stale' : 'fresh'} (promise: ${figures.freshness.promise})`]
      : []),
    `Cost: $${figures.costUsd.toFixed(2)}`,
    open.length > 0
      ? `Open: ${open.map((title) => plainText(title).text).join('; ')}${more > 0 ? `; …and ${more} more` : ''}`
      : 'No open incidents',
  ]
  return boundPayload({
    text: md`${cutText(figures.productName, titleMax)}: ${figures.period} digest`.text,
    blocks: [section(lines.join('\n'))],
  })
}

function plain(incident: IncidentView): string {
  return md`${incident.status === 'resolved' ? 'Resolved: ' : ''}${titleOf(incident)}`.text
}
