import type { OwnerRef, StakeholderRef } from '@steward/db'
import type { Notify } from '@steward/pipelines/rules'
import { receiverDestinationsOf } from '../receivers/receiver-destination.ts'

export interface ProductContacts {
  owners: readonly OwnerRef[]
  stakeholders: readonly StakeholderRef[]
}

/**
 * The destinations a rule's `notify` names, without repeats: Slack, and the receivers each owner or
 * stakeholder declared (`webhook:…`, `pagerduty:…`, `email:…`). Stakeholders without any
 * destination cannot hear anything: when none has one, the owners hear it instead of nobody.
 */
export function resolveDestinations(notify: Notify, contacts: ProductContacts): string[] {
  const owners = contacts.owners.flatMap((owner) => [owner.slack, ...receiverDestinationsOf(owner)])
  const stakeholders = contacts.stakeholders.flatMap((s) => [
    ...(s.slack ? [s.slack] : []),
    ...receiverDestinationsOf(s),
  ])
  const wanted = typeof notify === 'string' ? [notify] : notify
  const out = wanted.flatMap((item) =>
    item === 'owners'
      ? owners
      : item === 'stakeholders'
        ? stakeholders.length > 0
          ? stakeholders
          : owners
        : [item],
  )
  return [...new Set(out)]
}
