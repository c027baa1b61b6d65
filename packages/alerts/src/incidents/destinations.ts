import type { OwnerRef, StakeholderRef } from '@steward/db'
import type { Notify, Severity } from '@steward/pipelines/rules'
import { receiverDestinationsOf } from '../receivers/receiver-destination.ts'

export interface ProductContacts {
  owners: readonly OwnerRef[]
  stakeholders: readonly StakeholderRef[]
}

/**
 * Who hears about an incident. `owners` get the technical message (error, step, run link,
 * buttons, mentions); `stakeholders` the plain one about the product. A destination is in one of
 * the two only: a channel that is both the owners' and the stakeholders' gets the owners' message.
 */
export interface Audiences {
  /** Every destination, owners' first, without repeats. */
  destinations: string[]
  /** The destinations (among `destinations`) that get the stakeholders' message. */
  stakeholderDestinations: string[]
}

export type Audience = 'owners' | 'stakeholders'

/**
 * The destinations a rule's `notify` names, by audience: Slack, and the receivers each owner or
 * stakeholder declared (`webhook:…`, `pagerduty:…`, `email:…`). Named destinations
 * (`'#data-oncall'`) are the owners' side. Stakeholders without any destination cannot hear
 * anything: when none has one, the owners hear it instead of nobody.
 */
export function resolveDestinations(notify: Notify, contacts: ProductContacts): Audiences {
  const owners = contacts.owners.flatMap((owner) => [owner.slack, ...receiverDestinationsOf(owner)])
  const stakeholders = contacts.stakeholders.flatMap((s) => [
    ...(s.slack ? [s.slack] : []),
    ...receiverDestinationsOf(s),
  ])
  const wanted = typeof notify === 'string' ? [notify] : notify
  const technical = new Set<string>()
  const plain = new Set<string>()
  for (const item of wanted) {
    if (item === 'stakeholders' && stakeholders.length > 0) for (const s of stakeholders) plain.add(s)
    else if (item === 'owners' || item === 'stakeholders') for (const o of owners) technical.add(o)
    else technical.add(item)
  }
  for (const destination of technical) plain.delete(destination)
  return { destinations: [...technical, ...plain], stakeholderDestinations: [...plain] }
}

/** The audience of one of an incident's destinations. */
export function audienceOf(
  incident: { stakeholder_destinations: readonly string[] },
  destination: string,
): Audience {
  return incident.stakeholder_destinations.includes(destination) ? 'stakeholders' : 'owners'
}

const severityRank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 }

/**
 * Whom the owners' message of an incident at `severity` mentions: every owner's `mention` ids
 * whose `mentionAt` (default `critical`) is at or below it, without repeats. Only ids Slack can
 * address (`U…`, `W…`, `S…`) pass, whatever a stored catalog holds.
 */
export function mentionsFor(owners: readonly OwnerRef[], severity: Severity): string[] {
  const out = new Set<string>()
  for (const owner of owners) {
    const from = severityRank[owner.mentionAt ?? 'critical'] ?? severityRank.critical
    if ((severityRank[severity] ?? 0) < from) continue
    for (const id of owner.mention ?? []) if (mentionable.test(id)) out.add(id)
  }
  return [...out]
}

/** A Slack user id (`U…`, `W…`) or user group id (`S…`). */
export const mentionable = /^(?:[UWS][A-Z0-9]{8,})$/
