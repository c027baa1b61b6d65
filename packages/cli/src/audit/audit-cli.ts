import { hostname, userInfo } from 'node:os'
import { type AuditAction, type AuditActor, type Database, recordAudit } from '@steward/db'
import type { Kysely } from 'kysely'
import { out } from '../output/print.ts'

/** The audit log's "who" for this command: the OS user on this host, and the process. */
export function cliActor(): AuditActor {
  let user: string
  try {
    user = userInfo().username
  } catch {
    // A container's user may have no passwd entry.
    user = `uid ${process.getuid?.() ?? '?'}`
  }
  return {
    kind: 'cli',
    name: `${user}@${hostname()}`,
    via: 'cli',
    source: `${hostname()} pid ${process.pid}`,
  }
}

/**
 * Audits what a command changed, after it did. The product is found through the target's record
 * unless named. A failed write is said on the output, never fails the command: the change is done.
 */
export async function auditCli(
  db: Kysely<Database>,
  action: AuditAction,
  target: { kind: string; id: string; productId?: string | null },
  details?: Record<string, unknown>,
): Promise<void> {
  const { productId, ...record } = target
  try {
    await recordAudit(db, { actor: cliActor(), action, target: record, productId, details })
  } catch (error) {
    out(
      `warning: the audit log did not take ${action}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}
