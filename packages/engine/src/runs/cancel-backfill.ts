import { StewardError } from '@steward/kernel'
import type { RuntimeQueue } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'
import { cancelRun } from './cancel-run.ts'

/**
 * Cancels a backfill as a whole, its cascaded children included: no more of its runs are admitted,
 * and every run not yet ended is cancelled (running steps see `ctx.signal` abort). Returns how many
 * runs it cancelled.
 */
export async function cancelBackfill(
  db: Db,
  backfillId: string,
  options: { queue?: RuntimeQueue } = {},
): Promise<{ cancelledRuns: number }> {
  const ids = await db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('backfills')
      .select('id')
      .where('id', '=', backfillId)
      .executeTakeFirst()
    if (!found) throw new StewardError('BACKFILL_NOT_FOUND', `no backfill ${backfillId}`)
    // The backfill and its cascaded children, stopped first so that no ending run admits another.
    const family = [backfillId]
    for (let i = 0; i < family.length; i++) {
      const children = await trx
        .selectFrom('backfills')
        .select('id')
        .where('parent_id', '=', family[i] ?? '')
        .execute()
      family.push(...children.map((child) => child.id))
    }
    await trx
      .updateTable('backfills')
      .set((eb) => ({ status: 'cancelled', cancel_requested_at: eb.fn('now'), finished_at: eb.fn('now') }))
      .where('id', 'in', family)
      .where('status', '=', 'running')
      .execute()
    return family
  })
  const runs = await db
    .selectFrom('runs')
    .select('id')
    .where('backfill_id', 'in', ids)
    .where('status', 'in', ['queued', 'running'])
    .execute()
  for (const run of runs) await cancelRun(db, run.id, options)
  return { cancelledRuns: runs.length }
}
