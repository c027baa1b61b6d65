import { sql } from 'kysely'
import type { Db } from './db.ts'

/** Runs in which a claim or a finish of this worker may have opened attempts it has not heard of yet. */
export interface WatchedRuns {
  /** The worker the attempts were opened for (`attempts.worker_id`). */
  workerId: string
  runIds: readonly string[]
}

/**
 * Proves that a worker still runs these attempts: their `heartbeat_at` becomes the database's now,
 * which the reconciler compares with its timeout to tell a dead worker from a slow step.
 *
 *   Input
 *     attemptIds   the attempts one worker process runs (or holds claimed, waiting for a slot, or
 *                  ended but not yet recorded)
 *     watched      runs whose claim or finish statement this worker has sent: the attempts those
 *                  opened for it are `running` in SQL before its event loop reads the answer, which a
 *                  step computing on that loop can hold back for longer than the timeout
 *   Output
 *     the ids of `attemptIds` still `running`; an id missing from it was closed by someone else (the
 *     reconciler gave it up, or a cancel closed it): its step should stop
 *   Writes
 *     `attempts.heartbeat_at`, only while `running` (a HOT update: no index covers it)
 *   Locks
 *     the attempt rows, one statement; takes no run lock, so it never waits behind a finish's
 *     run locks for long (a finish holding an attempt's row is closing it anyway)
 *   Layout
 *     attempts by id; watched runs' step runs by `(run_id, step_id)`, their attempts by
 *     `(step_run_id, number)`: reached through their runs, no status index (README.md, "Layout")
 *   Caller holds
 *     nothing: it runs on its own connection every second, in a thread of its own
 *     (`heartbeat-thread.ts`) or on the worker's event loop when no thread could start
 */
export async function beatAttempts(
  db: Db,
  attemptIds: readonly string[],
  watched?: WatchedRuns,
): Promise<Set<string>> {
  const runIds = watched?.runIds ?? []
  if (attemptIds.length === 0 && runIds.length === 0) return new Set()
  const { rows } = await sql<{ id: string }>`
    with beating as (
      select unnest(${attemptIds}::uuid[]) as id
      union
      select a.id
      from step_runs s
      join attempts a on a.step_run_id = s.id and a.number = s.attempt_count
      where s.run_id = any (${runIds}::uuid[]) and s.status = 'running'
        and a.worker_id = ${watched?.workerId ?? null}
    )
    update attempts set heartbeat_at = now()
    where id in (select id from beating) and status = 'running'
    returning id
  `.execute(db)
  const asked = new Set(attemptIds)
  return new Set(rows.map((row) => row.id).filter((id) => asked.has(id)))
}
