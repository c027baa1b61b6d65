import type { Incident, OwnerRef, SlackPayload } from '@steward/db'
import { type Audience, mentionable } from '../incidents/destinations.ts'
import { boundPayload } from './block-kit-limits.ts'
import { bold, cutText, escapeMrkdwn, link, md, plainText } from './mrkdwn.ts'

/**
 * Block Kit for every kind of message. Plain functions of the incident rows, so a notification
 * recorded before any process could send it shows exactly what Slack will show.
 *
 * What is text and what is mrkdwn: an incident's `title`, `resolved_reason` and `acked_by`, product
 * names and reasons are plain text, escaped here (`mrkdwn.ts`); its `detail` is mrkdwn, which only
 * the `mrkdwn.ts` builders make. Every payload leaves through `boundPayload` (Block Kit's limits).
 *
 * Two audiences (`Audience`): the owners' channels get the technical message (the error, the run
 * link, the runbook, Acknowledge/Snooze buttons, mentions of the owners' declared ids); the
 * stakeholders' channels a plain one about the product (what is affected, since when, when the
 * data was last good, who owns it and whether they acknowledged), with no error and no buttons.
 */

/** Button action ids the interactivity endpoint understands. */
export const ackActionId = 'steward_ack'
export const snoozeActionId = 'steward_snooze'

/** A title longer than this is cut with an ellipsis: the detail and the run link say the rest. */
const titleMax = 200
/** Incidents listed in a grouped message; the rest are counted. */
const listedMax = 40

/** What a message shows of an incident; the later columns are optional for callers that render a sample. */
export type IncidentView = Pick<
  Incident,
  'id' | 'title' | 'detail' | 'severity' | 'status' | 'runbook' | 'fire_count' | 'acked_by' | 'product_id'
> &
  Partial<
    Pick<
      Incident,
      'acked_at' | 'snoozed_until' | 'snoozed_by' | 'mentions' | 'opened_at' | 'resolved_at' | 'last_good_at'
    >
  >

/** What the stakeholders' message says of a product: its name and who owns it. */
export interface ProductView {
  name: string
  owners: readonly OwnerRef[]
}

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

/**
 * The owners' top-level message: one incident, or every incident grouped into this message. Open
 * incidents mention the ids chosen when they opened (`mentions`); an acknowledgement or a snooze
 * shows who and until when.
 */
export function renderFirst(incidents: readonly IncidentView[]): SlackPayload {
  const open = incidents.filter((i) => i.status === 'open').length
  const mentions = mentionText(incidents)
  const header =
    incidents.length === 1
      ? line(incidents[0] as IncidentView)
      : `${open > 0 ? ':rotating_light:' : ':white_check_mark:'} *${incidents.length} alerts* (${open} open)`
  const blocks: unknown[] = [section(mentions ? `${mentions} ${header}` : header)]
  if (incidents.length === 1) {
    const only = incidents[0] as IncidentView
    if (only.detail) blocks.push(section(only.detail))
    const handled = handledText(only)
    if (handled) blocks.push(context(handled))
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
  return boundPayload({ text: mentions ? `${mentions} ${text}` : text, blocks })
}

/**
 * The stakeholders' top-level message: the product affected, since when, when its data was last
 * good, who owns it and whether they acknowledged. No error text, no run link, no buttons, no
 * mentions: stakeholders hear about the product, owners about the failure.
 */
export function renderStakeholderFirst(
  incidents: readonly IncidentView[],
  products: ReadonlyMap<string, ProductView>,
): SlackPayload {
  const productOf = (incident: IncidentView): ProductView =>
    products.get(incident.product_id) ?? { name: incident.product_id, owners: [] }
  if (incidents.length === 1) {
    const only = incidents[0] as IncidentView
    const product = productOf(only)
    const name = cutText(product.name, titleMax)
    const resolved = only.status === 'resolved'
    const header = resolved
      ? md`:white_check_mark: ${bold(name)} is back to normal`.text
      : md`${icon(only)} ${bold(name)} is affected: ${titleOf(only)}`.text
    const facts = [
      only.opened_at ? `*Since:* ${when(only.opened_at)}` : '',
      resolved && only.resolved_at ? `*Resolved:* ${when(only.resolved_at)}` : '',
      `*Data last good:* ${only.last_good_at ? when(only.last_good_at) : 'no successful run on record'}`,
      `*Owned by:* ${ownersText(product.owners)}`,
    ].filter(Boolean)
    const blocks: unknown[] = [section(header), section(facts.join('\n'))]
    const handled = resolved ? '' : handledText(only) || 'The owners have not acknowledged it yet.'
    if (handled) blocks.push(context(handled))
    const text = resolved
      ? md`${name} is back to normal`.text
      : md`${name} is affected: ${titleOf(only)}`.text
    return boundPayload({ text, blocks })
  }
  const open = incidents.filter((i) => i.status === 'open').length
  const list = incidents.slice(0, listedMax).map((incident) => {
    const product = productOf(incident)
    const since = incident.opened_at ? `, since ${when(incident.opened_at)}` : ''
    const state =
      incident.status === 'resolved'
        ? ', resolved'
        : incident.acked_by
          ? `, acknowledged by ${escapeMrkdwn(cutText(incident.acked_by, 80))}`
          : ', not acknowledged yet'
    return `• ${icon(incident)} ${bold(cutText(product.name, titleMax)).text}: ${escapeMrkdwn(titleOf(incident))}${since}${state}`
  })
  if (incidents.length > listedMax) list.push(`…and ${incidents.length - listedMax} more`)
  const header = `${open > 0 ? ':rotating_light:' : ':white_check_mark:'} *${incidents.length} data problems* (${open} open)`
  return boundPayload({
    text: `${incidents.length} data problems (${open} open)`,
    blocks: [section(header), section(list.join('\n'))],
  })
}

/** The first message of one audience. */
export function renderFirstFor(
  audience: Audience,
  incidents: readonly IncidentView[],
  products: ReadonlyMap<string, ProductView>,
): SlackPayload {
  return audience === 'stakeholders' ? renderStakeholderFirst(incidents, products) : renderFirst(incidents)
}

/** The stakeholders' reply in the thread when an incident resolves (the first message is updated too). */
export function renderStakeholderResolved(incident: IncidentView, product: ProductView): SlackPayload {
  const text = md`${cutText(product.name, titleMax)} is back to normal (${titleOf(incident)})`.text
  return boundPayload({ text, blocks: [section(`:white_check_mark: ${text}`)] })
}

/** `<!subteam^S…> <@U…>` for the open incidents' mentions, or ''. */
function mentionText(incidents: readonly IncidentView[]): string {
  const ids = new Set<string>()
  for (const incident of incidents) {
    if (incident.status !== 'open') continue
    for (const id of incident.mentions ?? []) if (mentionable.test(id)) ids.add(id)
  }
  return [...ids].map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(' ')
}

/** Who acknowledged it and when, who snoozed it and until when; '' when nobody did either. */
function handledText(incident: IncidentView): string {
  const parts: string[] = []
  if (incident.acked_by) {
    parts.push(
      `:eyes: Acknowledged by ${bold(cutText(incident.acked_by, 80)).text}${incident.acked_at ? ` at ${when(incident.acked_at)}` : ''}`,
    )
  }
  if (incident.snoozed_until && incident.status === 'open') {
    parts.push(
      `:zzz: Snoozed${incident.snoozed_by ? ` by ${bold(cutText(incident.snoozed_by, 80)).text}` : ''} until ${when(incident.snoozed_until)}`,
    )
  }
  return parts.join(' · ')
}

/** Who owns the product, as names (never mentions: the stakeholders' channel pings nobody). */
function ownersText(owners: readonly OwnerRef[]): string {
  const names = [...new Set(owners.map((o) => o.team ?? o.name ?? o.slack))]
  if (names.length === 0) return 'nobody on record'
  const shown = names.slice(0, 10).map((name) => escapeMrkdwn(cutText(name, 80)))
  return `${shown.join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}`
}

/** A time as every reader gets it, in UTC: `2026-11-20 12:00 UTC`. */
function when(at: Date | string): string {
  const date = new Date(at)
  return Number.isNaN(date.getTime()) ? 'unknown' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function context(text: string): unknown {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] }
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
