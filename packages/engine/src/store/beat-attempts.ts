import type { Db } from './db.ts'

/**
 * Proves that a worker still runs these attempts: their `heartbeat_at` becomes the database's now,
 * which the reconciler compares with its timeout to tell a dead worker from a slow step.
 *
 *   Input
 *     attemptIds   the attempts one worker process runs (or holds claimed, waiting for a slot)
 *   Output
 *     the ids still `running`; an id missing from it was closed by someone else (the reconciler
 *     gave it up, or a cancel closed it): its step should stop
 *   Writes
 *     `attempts.heartbeat_at`, by id, only while `running` (a HOT update: no index covers it)
 *   Locks
 *     the attempt rows, one statement; takes no run lock, so it never waits behind a finish's
 *     run locks for long (a finish holding an attempt's row is closing it anyway)
 *   Caller holds
 *     nothing: it runs on its own connection every second, in a thread of its own
 *     (`heartbeat-thread.ts`) or on the worker's event loop when no thread could start
 */
export async function beatAttempts(db: Db, attemptIds: readonly string[]): Promise<Set<string>> {
  if (attemptIds.length === 0) return new Set()
  const alive = await db
    .updateTable('attempts')
    .set((eb) => ({ heartbeat_at: eb.fn('now') }))
    .where('id', 'in', attemptIds)
    .where('status', '=', 'running')
    .returning('id')
    .execute()
  return new Set(alive.map((row) => row.id))
}
