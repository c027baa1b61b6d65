import type { AlertMessage } from './alert-message.ts'
import { answerText, httpFailure, networkFailure, type Receiver, ReceiverSendError } from './receiver.ts'

export interface PagerDutySettings {
  /** The Events API v2 base URL: https://events.pagerduty.com, or a local stand-in. */
  baseUrl: string
  routingKey: string
  timeoutMs?: number
}

/** The Events API's severities; Steward's `critical`, `warning` and `info` map onto them. */
const severities: Record<string, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  error: 'error',
  warning: 'warning',
  info: 'info',
}

/**
 * PagerDuty Events API v2 (`POST <base>/v2/enqueue`): an opened incident triggers an alert, a
 * resolved one resolves it, both with the incident's id as `dedup_key`, so PagerDuty folds a
 * retried trigger into the alert already open. 2xx is accepted; 429 and 5xx are retried; a 400
 * (an event PagerDuty refuses) and any other 4xx are final. Only `incident.opened` and
 * `incident.resolved` reach it (`receiverTakes`).
 */
export function pagerdutyReceiver(settings: PagerDutySettings): Receiver {
  return {
    kind: 'pagerduty',
    async send(message: AlertMessage) {
      const event = pagerdutyEvent(message, settings.routingKey)
      if (!event) return
      let response: Response
      try {
        response = await fetch(`${settings.baseUrl.replace(/\/+$/, '')}/v2/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
          redirect: 'manual',
          signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
        })
      } catch (error) {
        throw new ReceiverSendError(networkFailure(error, 'PagerDuty'))
      }
      const failure = await httpFailure(response, 'PagerDuty')
      if (failure) throw new ReceiverSendError(failure)
    },
  }
}

/** The Events API body for a message, or undefined for one PagerDuty does not take (no incident). */
export function pagerdutyEvent(
  message: AlertMessage,
  routingKey: string,
): Record<string, unknown> | undefined {
  const incident = message.incident
  if (!incident) return undefined
  if (message.event === 'incident.resolved') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: incident.id }
  }
  if (message.event !== 'incident.opened') return undefined
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: incident.id,
    payload: {
      // PagerDuty's limit on the summary.
      summary: answerText(`${message.product.name}: ${incident.title}`).slice(0, 1024),
      source: message.product.id,
      severity: severities[incident.severity] ?? 'critical',
      timestamp: incident.openedAt,
      component: incident.pipelineId ?? message.product.id,
      group: message.product.id,
      class: incident.ruleKind,
      custom_details: {
        detail: incident.detail.slice(0, 4000),
        rule: incident.rule,
        subject: incident.subject,
        ...(incident.stepId ? { step: incident.stepId } : {}),
        ...(incident.runbook ? { runbook: incident.runbook } : {}),
      },
    },
    client: 'Steward',
    ...(message.product.url ? { client_url: message.product.url } : {}),
    links: [
      ...(message.product.url
        ? [{ href: message.product.url, text: message.product.name.slice(0, 200) }]
        : []),
      ...(incident.runbook && /^https?:\/\//i.test(incident.runbook)
        ? [{ href: incident.runbook, text: 'Runbook' }]
        : []),
    ],
  }
}
