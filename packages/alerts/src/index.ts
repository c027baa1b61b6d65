// Rules are data the SDK defines (@steward/pipelines/rules); this package evaluates and delivers them.

// Slack delivery.
export {
  type DeliveryJobData,
  deliveryJobId,
  deliveryQueueName,
} from './delivery/delivery-queue.ts'
export { type Delivery, type DeliveryOptions, startDelivery } from './delivery/delivery-worker.ts'
export { type DeliveryBacklog, deliveryBacklog, stuckDeliveryProblem } from './delivery/senders.ts'
// Evaluation, incidents and the outbox.
export { evaluateFinishedRuns, type FinishedRunsOptions } from './evaluate/evaluate-finished-runs.ts'
export { evaluateTimers } from './evaluate/evaluate-timers.ts'
export { baselineHours, checkVolume } from './evaluate/volume-check.ts'
export { ackIncident, snoozeIncident } from './incidents/ack-and-snooze.ts'
export { type Firing, fireIncident, resolveIncident } from './incidents/incident-lifecycle.ts'
// Queries for the web.
export {
  alertLedger,
  defaultLedgerDays,
  flapWindowMinutes,
  type LedgerLine,
  type LedgerQuery,
  tuneFlappingShare,
  tuneMinIncidents,
} from './queries/alert-ledger.ts'
export {
  getMetricSeriesByLabel,
  type MetricSeries,
  type MetricSeriesQuery,
} from './queries/get-metric-series-by-label.ts'
// Receivers besides Slack: webhooks, PagerDuty, e-mail.
export type { AlertEvent, AlertMessage, IncidentFacts } from './receivers/alert-message.ts'
export { type Receiver, type ReceiverFailure, ReceiverSendError } from './receivers/receiver.ts'
export {
  type UnservedReceiver,
  unservedReceivers,
  unservedReceiversProblem,
} from './receivers/receiver-backlog.ts'
export {
  type ReceiverDelivery,
  type ReceiverDeliveryOptions,
  startReceiverDelivery,
} from './receivers/receiver-delivery.ts'
export {
  isSlackDestination,
  parseReceiverDestination,
  type ReceiverDestination,
  type ReceiverKind,
} from './receivers/receiver-destination.ts'
export { describeReceivers, type ReceiverSettings } from './receivers/receiver-settings.ts'
export { signWebhookBody } from './receivers/webhook-receiver.ts'
export {
  countPrunableIncidents,
  type PruneIncidentsOptions,
  pruneIncidents,
} from './retention/prune-incidents.ts'
export { handleSlackInteraction, type InteractionResult } from './slack/interactivity.ts'
export { code, escapeMrkdwn, link, Mrkdwn, md } from './slack/mrkdwn.ts'
export { ackActionId, renderFirst, snoozeActionId } from './slack/render.ts'
export { noSlack, type SlackFailure, SlackSendError, type SlackTransport } from './slack/slack-transport.ts'
export { verifySlackSignature } from './slack/verify-signature.ts'
export { webApiTransport } from './slack/web-api-transport.ts'
export { type Alerts, type SlackSettings, type StartAlertsOptions, startAlerts } from './start-alerts.ts'
