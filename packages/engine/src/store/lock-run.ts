import type { Run } from '@steward/db'
import type { Db } from './db.ts'

/**
 * Locks a run's row for the rest of the transaction and returns it. Every finish, cancel and
 * failure of a run's steps happens under this lock, so two steps of a diamond finishing at once on
 * two workers take turns, and the second sees the first's result when it looks for the steps that
 * became ready. Claims do not take it: their conditional update of the step run row is enough (see
 * `claimSteps`).
 * `FOR NO KEY UPDATE`, not `FOR UPDATE`: the run's key never changes, and `FOR UPDATE` would also
 * queue every insert that references the run (attempts, logs, metrics, cost entries take
 * `FOR KEY SHARE` on it).
 */
export async function lockRun(trx: Db, runId: string): Promise<Run | undefined> {
  return trx.selectFrom('runs').selectAll().where('id', '=', runId).forNoKeyUpdate().executeTakeFirst()
}
