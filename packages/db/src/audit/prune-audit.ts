import { type Kysely, sql } from 'kysely'
import type { Database } from '../schema.ts'

export interface PruneAuditOptions {
  /** Rows written before this instant go. */
  before: Date
  /** Rows deleted per transaction. Default 1,000. */
  batch?: number
  /** Called after each committed batch with the rows it deleted. */
  onBatch?: (deleted: number) => void
  signal?: AbortSignal
}

/** Deletes audit rows older than `before` (STEWARD_RETAIN_AUDIT_DAYS), a batch per statement. */
export async function pruneAudit(db: Kysely<Database>, options: PruneAuditOptions): Promise<number> {
  const batch = options.batch ?? 1_000
  let total = 0
  for (;;) {
    if (options.signal?.aborted) return total
    const deleted = await deleteAuditBatch(db, options.before, batch)
    if (deleted > 0) {
      total += deleted
      options.onBatch?.(deleted)
    }
    if (deleted < batch) return total
  }
}

/**
 * One batch of old audit rows.
 *
 * Inputs: the cut-off, the batch size. Output: how many went.
 * Reads `audit_log_at_idx`, oldest first. Locks: the rows it deletes, `SKIP LOCKED`, so two
 * pruners share the work; writers only insert new rows, so nobody waits on it.
 */
async function deleteAuditBatch(db: Kysely<Database>, before: Date, batch: number): Promise<number> {
  const result = await sql`
    with doomed as (
      select id from audit_log
      where at < ${before.toISOString()}::timestamptz
      order by at
      limit ${batch}
      for update skip locked
    )
    delete from audit_log a using doomed d where a.id = d.id`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** How many rows `pruneAudit` would delete now. */
export async function countPrunableAudit(db: Kysely<Database>, before: Date): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('at', '<', before)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
