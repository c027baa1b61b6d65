import { type RawBuilder, sql } from 'kysely'

/**
 * The readiness rule, the one place it is written: a step run is ready when it is `pending` and
 * every step it needs has succeeded. `step` is the alias of a `step_runs` row, `succeeded` an SQL
 * expression for the ids of its run's succeeded steps (`text[]`). Both the group finish
 * (`finish-attempts.ts`) and `advanceRun` decide readiness with it, under the run's lock.
 *
 * Raw text, not parameters: the finishing statement is prepared by its text, which must be the
 * same on every call. Callers pass aliases and expressions written in their code, never data.
 *
 * A step that needs nothing is ready from the start: it is queued when its run is created or
 * admitted (`plain-runs.ts`, `create-run.ts`, `admit-runs.ts`), before any step could succeed.
 *
 * @example
 * sql`select p.id from step_runs p join succeeded f on f.run_id = p.run_id
 *   where ${readyStep('p', 'f.step_ids')}`
 */
export function readyStep(step: string, succeeded: string): RawBuilder<boolean> {
  return sql.raw<boolean>(`${step}.status = 'pending' and ${step}.needs <@ ${succeeded}`)
}
