import type { NotificationKind, ReceiverRefs } from '@steward/db'

/**
 * A receiver besides Slack, as an outbox destination (`notifications.destination`,
 * `alert_channels.destination`): `webhook:<name>`, `pagerduty:<name>` or `email:<address>`. A
 * Slack destination (`#channel`, `C…`, `U…`) never holds a `:`, so the two never mix, and each
 * receiver is a channel of its own with its own lease and pacing.
 */
export type ReceiverDestination =
  | { kind: 'webhook'; name: string }
  | { kind: 'pagerduty'; name: string }
  | { kind: 'email'; address: string }

export type ReceiverKind = ReceiverDestination['kind']

const prefixes: readonly ReceiverKind[] = ['webhook', 'pagerduty', 'email']

/** The receiver a destination names, or undefined for a Slack destination. */
export function parseReceiverDestination(destination: string): ReceiverDestination | undefined {
  const colon = destination.indexOf(':')
  if (colon === -1) return undefined
  const kind = prefixes.find((p) => p === destination.slice(0, colon))
  const rest = destination.slice(colon + 1)
  if (!kind || rest === '') return undefined
  return kind === 'email' ? { kind, address: rest } : { kind, name: rest }
}

export function isSlackDestination(destination: string): boolean {
  return parseReceiverDestination(destination) === undefined
}

export function receiverDestination(receiver: ReceiverDestination): string {
  return receiver.kind === 'email' ? `email:${receiver.address}` : `${receiver.kind}:${receiver.name}`
}

/** The receiver destinations an owner or a stakeholder declared, besides Slack. */
export function receiverDestinationsOf(ref: ReceiverRefs): string[] {
  return [
    ...(ref.webhook ? [receiverDestination({ kind: 'webhook', name: ref.webhook })] : []),
    ...(ref.pagerduty ? [receiverDestination({ kind: 'pagerduty', name: ref.pagerduty })] : []),
    ...(ref.alertEmail ? [receiverDestination({ kind: 'email', address: ref.alertEmail })] : []),
  ]
}

/**
 * Which notifications a receiver takes. A webhook takes every kind (its consumer decides). PagerDuty
 * pages on an incident and resolves it: repeats and reminders would only re-trigger the open alert,
 * and digests and delivery problems are not pages. E-mail takes all but repeats, which a thread
 * folds in Slack but would each be one more mail.
 */
export function receiverTakes(destination: string, kind: NotificationKind): boolean {
  const receiver = parseReceiverDestination(destination)
  if (!receiver) return true
  switch (receiver.kind) {
    case 'webhook':
      return true
    case 'pagerduty':
      return kind === 'first' || kind === 'resolved'
    case 'email':
      return kind !== 'follow_up'
  }
}
