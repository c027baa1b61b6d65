import type { ErrorInfo, Run } from '@steward/db'
import { durationMs } from '@steward/kernel'
import { sql } from 'kysely'
import { fireIncident, resolveIncident } from '../incidents/incident-lifecycle.ts'
import type { Db, Trx } from '../incidents/outbox.ts'
import { checkResultsOf, evaluateCheckFailed, type RunCheckResult } from './check-failed.ts'
import { firingFor } from './firing-for.ts'
import { RuleCatalog } from './rule-catalog.ts'
import { runDetail, runLink } from './run-detail.ts'

export interface FinishedRunsOptions {
  now?: Date
  /**
   * `finished_at` is the finishing transaction's start time, so a run can commit after later ones:
   * each pass looks back this far past the cursor and skips runs it already handled. Default 5 min.
   */
  overlapMs?: number
  /** Runs per transaction: small enough that notifications commit (and go out) while a storm is still being read. Default 100. */
  batch?: number
  webUrl?: string
  /**
   * Called after each batch's transaction commits, with the runs it handled: its notifications are
   * in the outbox now, so delivery can start on them while a storm's later batches are still read.
   */
  onCommitted?: (handled: number) => void
}

const cursorName = 'finished-runs'

/**
 * Evaluates the run rules (onFailure, stepFailed, runTooLong, cost, checkFailed) for every run finished since
 * the durable cursor, in transactions that also open/resolve incidents and fill the outbox. Safe to
 * call from many processes at once: the cursor row is locked for the pass. Returns runs handled.
 */
export async function evaluateFinishedRuns(db: Db, options: FinishedRunsOptions = {}): Promise<number> {
  let total = 0
  for (;;) {
    const handled = await db.transaction().execute((trx) => evaluateBatch(trx, options))
    total += handled.count
    if (handled.count > 0) options.onCommitted?.(handled.count)
    if (!handled.more) return total
  }
}

async function evaluateBatch(
  trx: Trx,
  options: FinishedRunsOptions,
): Promise<{ count: number; more: boolean }> {
  const now = options.now ?? new Date()
  const overlapMs = options.overlapMs ?? 300_000
  const batch = options.batch ?? 100
  // The cursor, locked for the pass (one statement: a fresh install starts now, so history is not
  // replayed into Slack; else the conflict's no-op update takes the row lock, as FOR UPDATE would,
  // waits for a pass in another process and answers the position it left).
  const cursor = await trx
    .insertInto('alert_cursors')
    .values({ name: cursorName, position: now })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({ position: eb.ref('alert_cursors.position') })),
    )
    .returning('position')
    .executeTakeFirstOrThrow()
  const from = new Date(cursor.position.getTime() - overlapMs)
  const runs = await trx
    .selectFrom('runs')
    .selectAll('runs')
    .where('runs.finished_at', '>=', from)
    .where('runs.status', 'in', ['succeeded', 'failed'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('alert_evaluated_runs as e').select('e.run_id').whereRef('e.run_id', '=', 'runs.id'),
        ),
      ),
    )
    .orderBy('runs.finished_at')
    .orderBy('runs.id')
    .limit(batch)
    .execute()
  if (runs.length === 0) return { count: 0, more: false }

  const catalog = await RuleCatalog.load(trx)
  // Step runs of the whole batch in one query (stepFailed needs them).
  const stepRows = await trx
    .selectFrom('step_runs')
    .select(['run_id', 'step_id', 'status', 'error'])
    .where(
      'run_id',
      'in',
      runs.map((run) => run.id),
    )
    .where('status', 'in', ['failed', 'succeeded'])
    .execute()
  const stepsByRun = new Map<string, StepRow[]>()
  for (const row of stepRows) stepsByRun.set(row.run_id, [...(stepsByRun.get(row.run_id) ?? []), row])
  const checksByRun = await checkResultsOf(
    trx,
    runs.map((run) => run.id),
  )
  for (const run of runs)
    await evaluateRun(
      trx,
      catalog,
      run,
      stepsByRun.get(run.id) ?? [],
      checksByRun.get(run.id) ?? [],
      options.webUrl,
    )

  const last = runs[runs.length - 1]?.finished_at as Date
  await recordHandled(
    trx,
    runs,
    last,
    new Date(Math.min(cursor.position.getTime(), last.getTime()) - 2 * overlapMs),
  )
  return { count: runs.length, more: runs.length === batch }
}

/**
 * The end of a pass, in one statement.
 * Inputs: the runs handled (id, finished_at), the last one's `finished_at`, and the time before
 * which handled runs are forgotten (twice the overlap behind the cursor: no pass looks back there).
 * Writes: `alert_evaluated_runs` gets the runs (a run already there is left as it is); the cursor
 * moves to `last` if that is later; older handled runs are deleted.
 * Locks: the caller's transaction holds the cursor row (the pass's first statement), so passes
 * in other processes wait for this one and then see its runs as handled.
 * Invariant: the rows this statement inserts are not among those it deletes (one snapshot, and
 * they finished after `forgetBefore`).
 */
async function recordHandled(trx: Trx, runs: readonly Run[], last: Date, forgetBefore: Date): Promise<void> {
  await sql`
    with handled as (
      insert into alert_evaluated_runs (run_id, finished_at)
      select * from unnest(${runs.map((run) => run.id)}::uuid[], ${runs.map((run) => run.finished_at)}::timestamptz[])
      on conflict (run_id) do nothing
    ), moved as (
      update alert_cursors set position = ${last} where name = ${cursorName} and position < ${last}
    )
    delete from alert_evaluated_runs where finished_at < ${forgetBefore}`.execute(trx)
}

type StepRow = { run_id: string; step_id: string; status: string; error: ErrorInfo | null }

async function evaluateRun(
  trx: Trx,
  catalog: RuleCatalog,
  run: Run,
  steps: readonly StepRow[],
  checks: readonly RunCheckResult[],
  webUrl: string | undefined,
): Promise<void> {
  const rules = catalog.runRules(run.pipeline_id)
  if (rules.length === 0) return
  const pipeline = catalog.pipelines.get(run.pipeline_id)
  const pipelineName = pipeline?.name ?? run.pipeline_id
  const at = run.finished_at as Date
  const link = runLink(webUrl, run.id)
  for (const bound of rules) {
    const rule = bound.rule
    const subject = { key: `pipeline:${run.pipeline_id}`, pipelineId: run.pipeline_id }
    switch (rule.kind) {
      case 'on-failure': {
        if (run.status === 'failed') {
          const firing = firingFor(bound, subject, {
            title: `${pipelineName} failed`,
            detail: runDetail(run.error, link),
            at,
            repeat: true,
          })
          await fireIncident(trx, firing)
        } else {
          await resolveIncident(trx, {
            ruleKey: bound.key,
            subjectKey: subject.key,
            reason: `run ${run.id.slice(0, 8)} succeeded`,
            at,
          })
        }
        break
      }
      case 'step-failed': {
        for (const step of steps) {
          if (rule.step !== undefined && step.step_id !== rule.step) continue
          const stepSubject = {
            key: `pipeline:${run.pipeline_id}/step:${step.step_id}`,
            pipelineId: run.pipeline_id,
            stepId: step.step_id,
          }
          if (step.status === 'failed') {
            await fireIncident(
              trx,
              firingFor(bound, stepSubject, {
                title: `${pipelineName} › ${step.step_id} failed`,
                detail: runDetail(step.error, link),
                at,
                repeat: true,
              }),
            )
          } else if (step.status === 'succeeded') {
            await resolveIncident(trx, {
              ruleKey: bound.key,
              subjectKey: stepSubject.key,
              reason: `step succeeded in run ${run.id.slice(0, 8)}`,
              at,
            })
          }
        }
        break
      }
      case 'run-too-long': {
        const boundMs = durationMs(rule.over) ?? Number.POSITIVE_INFINITY
        const tookMs = at.getTime() - (run.started_at ?? run.created_at).getTime()
        if (tookMs > boundMs) {
          await fireIncident(
            trx,
            firingFor(bound, subject, {
              title: `${pipelineName} took ${formatMs(tookMs)} (over ${formatMs(boundMs)})`,
              detail: link,
              at,
              repeat: true,
            }),
          )
        } else if (run.status === 'succeeded') {
          await resolveIncident(trx, {
            ruleKey: bound.key,
            subjectKey: subject.key,
            reason: `run took ${formatMs(tookMs)}`,
            at,
          })
        }
        break
      }
      case 'cost': {
        const usd = await runCost(trx, run)
        if (usd > rule.runAboveUsd) {
          await fireIncident(
            trx,
            firingFor(bound, subject, {
              title: `${pipelineName} run cost $${usd.toFixed(2)} (bound $${rule.runAboveUsd})`,
              detail: link,
              at,
              repeat: true,
            }),
          )
        } else {
          await resolveIncident(trx, {
            ruleKey: bound.key,
            subjectKey: subject.key,
            reason: `run cost $${usd.toFixed(2)}`,
            at,
          })
        }
        break
      }
      case 'check-failed':
        await evaluateCheckFailed(trx, { ...bound, rule }, run, checks, link, at)
        break
      default:
        break
    }
  }
}

async function runCost(trx: Trx, run: Run): Promise<number> {
  if (run.cost_usd !== null) return Number(run.cost_usd)
  const row = await trx
    .selectFrom('cost_entries')
    .select(sql<string>`coalesce(sum(usd), 0)`.as('usd'))
    .where('run_id', '=', run.id)
    .executeTakeFirstOrThrow()
  return Number(row.usd)
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`
  return `${Math.round(ms / 86_400_000)} d`
}
