import { sql } from 'kysely'
import type { Db } from '../store/db.ts'

export interface PruneRunsOptions {
  /** Runs that ended before this instant go. */
  endedBefore: Date
  /** Runs deleted per transaction. Default 500 (each carries its step runs, attempts, logs…). */
  batch?: number
  /** Called after each committed batch with the runs it deleted. */
  onBatch?: (deleted: number) => void
  /** Stop between batches once aborted (a process shutting down). */
  signal?: AbortSignal
}

/**
 * Deletes the runs that ended before `endedBefore`, with their step runs (foreign key, on delete
 * cascade) and their attempts, logs, metrics and cost entries (the `runs_delete_records` trigger),
 * a batch per transaction, oldest first, until none is left. Answers how many runs went.
 * Cost per day (`cost_daily`) is kept: its trigger only adds, so deleting cost entries leaves it.
 *
 * Safe beside the workers and other pruners: it only takes ended runs that no step still runs
 * (`draining` false) and skips any run another transaction holds.
 */
export async function pruneRuns(db: Db, options: PruneRunsOptions): Promise<number> {
  const batch = options.batch ?? 500
  let total = 0
  for (;;) {
    if (options.signal?.aborted) break
    const deleted = await deleteRunBatch(db, options.endedBefore, batch)
    if (deleted === 0) break
    total += deleted
    options.onBatch?.(deleted)
    if (deleted < batch) break
  }
  return total
}

/**
 * One batch of old runs.
 *
 * Inputs: the cut-off, the batch size. Output: how many runs it deleted.
 * Reads the oldest ended runs through `runs_finished_at_idx` (finished_at where not null).
 * Locks: `FOR UPDATE SKIP LOCKED` on the runs it takes, so a retry or a reader's lock is never
 * waited for (the run is taken by a later batch); then their step runs (cascade) and, per run, the
 * trigger's deletes of logs, metrics and cost entries (by run id) and attempts (by step run), all
 * through their run indexes. Ended, not draining runs are not written by the engine any more, so
 * these locks meet no hot statement; one batch is one short transaction.
 * Invariants: an active or draining run is never deleted; cost_daily does not change.
 */
async function deleteRunBatch(db: Db, endedBefore: Date, batch: number): Promise<number> {
  const result = await sql`
    with doomed as (
      select id from runs
      where finished_at is not null and finished_at < ${endedBefore.toISOString()}::timestamptz
        and status in ('succeeded', 'failed', 'cancelled') and not draining
      order by finished_at
      limit ${batch}
      for update skip locked
    )
    delete from runs r using doomed d where r.id = d.id`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** How many runs `pruneRuns` would delete now (a range of `runs_finished_at_idx`). */
export async function countPrunableRuns(db: Db, endedBefore: Date): Promise<number> {
  const row = await sql<{ runs: string }>`
    select count(*) as runs from runs
    where finished_at is not null and finished_at < ${endedBefore.toISOString()}::timestamptz
      and status in ('succeeded', 'failed', 'cancelled') and not draining`.execute(db)
  return Number(row.rows[0]?.runs ?? 0)
}
