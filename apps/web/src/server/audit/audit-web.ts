import { type AuditAction, type AuditActor, recordAudit } from '@steward/db'
import { headers } from 'next/headers'
import { auditActorOf, callerOf, viewerActor } from '../api/api-caller.ts'
import { type ApiTarget, productsOfTarget, recordOf } from '../api/api-target.ts'
import type { Viewer } from '../auth/viewer.ts'
import { getDb } from '../db.ts'

/**
 * What the web's action sites audit: a record (its product is looked up), or an explicit target
 * with its product (a consumer label).
 */
export type WebAuditTarget =
  | Exclude<ApiTarget, 'filtered'>
  | { kind: string; id: string; productId: string | null }

/**
 * Audits an API route's action, after it succeeded, as the caller `authorizeApi` let through
 * (a token's name, a signed-in user's e-mail, or the local admin) with the client's address.
 *
 * @example
 * await auditApi(request, 'run.start', { runId: run.runId }, { pipelineId: id, params })
 */
export async function auditApi(
  request: Request,
  action: AuditAction,
  target: WebAuditTarget,
  details?: Record<string, unknown>,
): Promise<void> {
  await audit(auditActorOf(callerOf(request), 'api', request.headers), action, target, details)
}

/** Audits a server action (a button of the UI) done by `viewer`. */
export async function auditUi(
  viewer: Viewer,
  action: AuditAction,
  target: WebAuditTarget,
  details?: Record<string, unknown>,
): Promise<void> {
  await audit(viewerActor(viewer, 'ui', await headers()), action, target, details)
}

/**
 * The change is done when this runs: a failed audit write is logged, never answered as a failure
 * (the caller would retry a change that happened).
 */
async function audit(
  actor: AuditActor,
  action: AuditAction,
  target: WebAuditTarget,
  details: Record<string, unknown> | undefined,
): Promise<void> {
  try {
    const { db } = await getDb()
    if ('kind' in target) {
      const { kind, id, productId } = target
      await recordAudit(db, { actor, action, target: { kind, id }, productId, details })
    } else if ('eventName' in target) {
      // An event starts runs of any number of products: the first one listening stands for them.
      const [productId = null] = await productsOfTarget(db, target)
      await recordAudit(db, {
        actor,
        action,
        target: { kind: 'event', id: target.eventName },
        productId,
        details,
      })
    } else {
      await recordAudit(db, { actor, action, target: recordOf(target), details })
    }
  } catch (error) {
    console.error(`[steward web] the audit log did not take ${action}`, error)
  }
}
