import {
  type AuditAction,
  type AuditActorKind,
  type AuditFilter,
  auditActions,
  maxAuditPageSize,
} from '@steward/db'
import { textProblem } from '@steward/kernel'

export const auditActorKinds: readonly AuditActorKind[] = ['user', 'token', 'slack', 'cli', 'local']

/** A request for a page of the audit log, as the page's URL and `GET /api/v1/audit` say it. */
export interface AuditQuery {
  filter: AuditFilter
  before: string | undefined
  limit: number
}

export type ParsedAuditQuery = { ok: true; query: AuditQuery } | { ok: false; message: string }

/**
 * Reads `action`, `actorKind`, `actor`, `product`, `since`, `until` (ISO 8601 instants or dates),
 * `before` (the previous page's `next`) and `limit` (1 to 200, default 50). Anything else named
 * wrongly is refused with a message naming the parameter, so a typo never lists everything.
 */
export function parseAuditQuery(get: (name: string) => string | undefined): ParsedAuditQuery {
  const text = (name: string) => {
    const value = get(name)?.trim()
    return value ? value : undefined
  }
  const filter: AuditFilter = {}
  for (const name of ['actor', 'product', 'before', 'action', 'actorKind', 'since', 'until', 'limit']) {
    const value = get(name)
    if (value !== undefined && (value.length > 200 || textProblem(value)))
      return { ok: false, message: `${name} must be at most 200 characters of valid text` }
  }
  const action = text('action')
  if (action !== undefined) {
    if (!auditActions.includes(action as AuditAction))
      return { ok: false, message: `action must be one of ${auditActions.join(', ')}` }
    filter.action = action as AuditAction
  }
  const actorKind = text('actorKind')
  if (actorKind !== undefined) {
    if (!auditActorKinds.includes(actorKind as AuditActorKind))
      return { ok: false, message: `actorKind must be one of ${auditActorKinds.join(', ')}` }
    filter.actorKind = actorKind as AuditActorKind
  }
  filter.actor = text('actor')
  filter.productId = text('product')
  for (const name of ['since', 'until'] as const) {
    const value = text(name)
    if (value === undefined) continue
    const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN)
    if (Number.isNaN(at.getTime()))
      return { ok: false, message: `${name} must be an ISO 8601 date or instant, e.g. 2026-12-01T09:00:00Z` }
    filter[name] = at
  }
  const before = text('before')
  if (before !== undefined && !/^[1-9][0-9]{0,17}$/.test(before))
    return { ok: false, message: 'before must be the "next" of an earlier page' }
  const limitText = text('limit')
  const limit = limitText === undefined ? 50 : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > maxAuditPageSize)
    return { ok: false, message: `limit must be a whole number from 1 to ${maxAuditPageSize}` }
  return { ok: true, query: { filter, before, limit } }
}
