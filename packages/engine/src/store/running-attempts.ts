import type { Db } from './db.ts'

/**
 * Running attempts with their step runs and runs, reached through the runs: no index serves
 * attempts by status, so that closing one updates it in place (migration 0014). A running attempt
 * is its step run's latest while the step run is `running`. Callers bound the runs: active ones
 * (`runs_active_idx`), and for the reconciler also `draining` ones (`runs_draining_idx`).
 */
export function runningAttempts(db: Db) {
  return db
    .selectFrom('runs')
    .innerJoin('step_runs', 'step_runs.run_id', 'runs.id')
    .innerJoin('attempts', (join) =>
      join
        .onRef('attempts.step_run_id', '=', 'step_runs.id')
        .onRef('attempts.number', '=', 'step_runs.attempt_count'),
    )
    .where('step_runs.status', '=', 'running')
    .where('attempts.status', '=', 'running')
}
