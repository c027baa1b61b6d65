import type { OwnerRef, StakeholderRef } from '@steward/db'
import type { Notify } from '@steward/pipelines/rules'

export interface ProductContacts {
  owners: readonly OwnerRef[]
  stakeholders: readonly StakeholderRef[]
}

/**
 * The Slack destinations a rule's `notify` names, without repeats. Stakeholders without a Slack
 * destination cannot hear anything: when none has one, the owners hear it instead of nobody.
 */
export function resolveDestinations(notify: Notify, contacts: ProductContacts): string[] {
  const owners = contacts.owners.map((owner) => owner.slack)
  const stakeholders = contacts.stakeholders.flatMap((s) => (s.slack ? [s.slack] : []))
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
