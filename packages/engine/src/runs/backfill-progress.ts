import type { Backfill, RunStatus } from '@steward/db'
import { StewardError } from '@steward/kernel'
import type { Db } from '../store/db.ts'

/** A backfill and its runs counted by state, cascaded children included. */
export interface BackfillProgress {
  backfill: Backfill
  total: number
  succeeded: number
  failed: number
  cancelled: number
  running: number
  /** Created, not started: waiting for a slot or for a worker. */
  queued: number
  /** True once the backfill and its children ended and none of their runs is still running. */
  done: boolean
}

/** One read of a backfill's progress (`steward backfill --follow`, the web page, the HTTP API). */
export async function getBackfillProgress(db: Db, backfillId: string): Promise<BackfillProgress> {
  // One read of the backfill and its children, so its status and theirs agree.
  const family = await db
    .selectFrom('backfills')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', backfillId), eb('parent_id', '=', backfillId)]))
    .execute()
  const backfill = family.find((b) => b.id === backfillId)
  if (!backfill) throw new StewardError('BACKFILL_NOT_FOUND', `no backfill ${backfillId}`)
  const counts = await db
    .selectFrom('runs')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where(
      'backfill_id',
      'in',
      family.map((b) => b.id),
    )
    .groupBy('status')
    .execute()
  const count = (status: RunStatus) => Number(counts.find((row) => row.status === status)?.n ?? 0)
  const runs = counts.reduce((sum, row) => sum + Number(row.n), 0)
  return {
    backfill,
    total: Math.max(
      runs,
      family.reduce((sum, b) => sum + b.partition_count, 0),
    ),
    succeeded: count('succeeded'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    running: count('running'),
    queued: count('queued'),
    // A cancelled backfill ends at once; its running steps stop a heartbeat later.
    done: family.every((b) => b.status !== 'running') && count('running') + count('queued') === 0,
  }
}
