import type { RunStatus } from '@steward/db'
import { StewardError } from '@steward/kernel'
import { enqueueSteps, type RuntimeQueue } from '../queue/runtime-queue.ts'
import { advanceRun } from '../store/advance-run.ts'
import type { Db } from '../store/db.ts'
import { lockRun } from '../store/lock-run.ts'

export interface CancelledRun {
  /** `cancelled` at once when nothing was running; else `running` until the running steps stop. */
  status: RunStatus
  /** The run had ended before this cancel, which changed nothing. */
  alreadyEnded: boolean
}

/**
 * Cancels a run: sets `cancel_requested_at`, turns its pending and queued steps `cancelled`, and
 * ends the run `cancelled` at once if no step runs; running steps see `ctx.signal` abort within a
 * heartbeat (~1 s) and the run ends when the last one stops. A run that already ended is left as
 * it is. With `queue`, runs admitted into the freed slot are enqueued now; without, the reconciler
 * enqueues them.
 *
 * @example
 * await cancelRun(db, runId, { queue })
 */
export async function cancelRun(
  db: Db,
  runId: string,
  options: { queue?: RuntimeQueue } = {},
): Promise<CancelledRun> {
  const result = await db.transaction().execute(async (trx) => {
    const run = await lockRun(trx, runId)
    if (!run) throw new StewardError('RUN_NOT_FOUND', `no run ${runId}`)
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') {
      return { status: run.status, enqueue: [], alreadyEnded: true }
    }
    if (run.cancel_requested_at === null) {
      const updated = await trx
        .updateTable('runs')
        .set((eb) => ({ cancel_requested_at: eb.fn('now') }))
        .where('id', '=', runId)
        .returning('cancel_requested_at')
        .executeTakeFirstOrThrow()
      run.cancel_requested_at = updated.cancel_requested_at
    }
    return { ...(await advanceRun(trx, run)), alreadyEnded: false }
  })
  if (options.queue) await enqueueSteps(options.queue, result.enqueue)
  return { status: result.status, alreadyEnded: result.alreadyEnded }
}
