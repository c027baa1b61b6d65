import type { OwnerRef } from '@steward/db'

/** Who is looking at a page or pressing a button. */
export interface Viewer {
  /** The IdP's subject, or `local-admin` without an identity provider. */
  id: string
  name: string
  email: string | null
  /** The IdP groups of the user (matched against owners' `team`). */
  groups: readonly string[]
  admin: boolean
}

/** Everyone, on a `steward dev` without an identity provider. */
export const localAdmin: Viewer = {
  id: 'local-admin',
  name: 'Local admin',
  email: null,
  groups: [],
  admin: true,
}

/** Whether an `admins` entry (an e-mail, or `group:<name>`) names this user. */
export function isAdmin(admins: readonly string[], email: string | null, groups: readonly string[]): boolean {
  return admins.some((entry) =>
    entry.startsWith('group:')
      ? groups.some((group) => group.toLowerCase() === entry.slice('group:'.length))
      : email !== null && entry === email.toLowerCase(),
  )
}

/**
 * Running, cancelling, backfilling, acknowledging and snoozing are for a product's owners and for
 * admins: an owner entry matches by e-mail, or by `team` when the user is in the IdP group of
 * that name. Stakeholders read; they do not operate.
 */
export function canOperate(viewer: Viewer, owners: readonly OwnerRef[]): boolean {
  if (viewer.admin) return true
  const email = viewer.email?.toLowerCase()
  const groups = new Set(viewer.groups.map((group) => group.toLowerCase()))
  return owners.some(
    (owner) =>
      (email !== undefined && owner.email?.toLowerCase() === email) ||
      (owner.team !== undefined && groups.has(owner.team.toLowerCase())),
  )
}
