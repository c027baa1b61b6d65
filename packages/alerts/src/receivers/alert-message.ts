import type { Incident, Notification } from '@steward/db'
import type { Db } from '../incidents/outbox.ts'
import { mrkdwnToPlain } from './mrkdwn-to-plain.ts'

/** What a notification says, by kind, for receivers that are not Slack. */
export type AlertEvent =
  | 'incident.opened'
  | 'incident.repeated'
  | 'incident.reminder'
  | 'incident.resolved'
  | 'digest'
  | 'delivery_problem'

const eventOf: Record<Notification['kind'], AlertEvent> = {
  first: 'incident.opened',
  follow_up: 'incident.repeated',
  reminder: 'incident.reminder',
  resolved: 'incident.resolved',
  digest: 'digest',
  delivery_problem: 'delivery_problem',
}

/** An incident as receivers see it: plain text, ISO times. */
export interface IncidentFacts {
  id: string
  rule: string
  ruleKind: string
  subject: string
  pipelineId: string | null
  stepId: string | null
  severity: string
  title: string
  /** The detail as plain text (links as `label (url)`). */
  detail: string
  status: 'open' | 'resolved'
  openedAt: string
  resolvedAt: string | null
  resolvedReason: string | null
  acknowledgedBy: string | null
  acknowledgedAt: string | null
  fireCount: number
  runbook: string | null
}

/**
 * One notification for a receiver: the webhook's JSON body (`version` 1), and what e-mail and
 * PagerDuty are rendered from. Built from SQL when it is delivered, so it says the incident's
 * state at that time. Text from data is plain here; each receiver escapes it for its medium.
 */
export interface AlertMessage {
  version: 1
  /** The notification's id: the idempotency key, the same on every retry. */
  id: string
  event: AlertEvent
  /** When the notification was created (not sent): retries send the same body. */
  createdAt: string
  product: { id: string; name: string; url: string | null }
  incident: IncidentFacts | null
  /** The whole message in one line or a few, plain text. */
  text: string
}

export async function alertMessageOf(
  db: Db,
  notification: Notification,
  webUrl?: string,
): Promise<AlertMessage> {
  const product = await db
    .selectFrom('products')
    .select(['id', 'name'])
    .where('id', '=', notification.product_id)
    .executeTakeFirst()
  const incident = notification.incident_id
    ? await db
        .selectFrom('incidents')
        .selectAll()
        .where('id', '=', notification.incident_id)
        .executeTakeFirst()
    : undefined
  const productId = product?.id ?? notification.product_id
  return {
    version: 1,
    id: notification.id,
    event: eventOf[notification.kind],
    createdAt: notification.created_at.toISOString(),
    product: {
      id: productId,
      name: product?.name ?? productId,
      url: webUrl ? `${webUrl.replace(/\/+$/, '')}/products/${encodeURIComponent(productId)}` : null,
    },
    incident: incident ? incidentFacts(incident) : null,
    text: mrkdwnToPlain(notification.payload.text),
  }
}

function incidentFacts(incident: Incident): IncidentFacts {
  return {
    id: incident.id,
    rule: incident.rule_key,
    ruleKind: incident.rule_kind,
    subject: incident.subject_key,
    pipelineId: incident.pipeline_id,
    stepId: incident.step_id,
    severity: incident.severity,
    title: incident.title,
    detail: mrkdwnToPlain(incident.detail),
    status: incident.status,
    openedAt: incident.opened_at.toISOString(),
    resolvedAt: incident.resolved_at?.toISOString() ?? null,
    resolvedReason: incident.resolved_reason,
    acknowledgedBy: incident.acked_by,
    acknowledgedAt: incident.acked_at?.toISOString() ?? null,
    fireCount: incident.fire_count,
    runbook: incident.runbook,
  }
}
