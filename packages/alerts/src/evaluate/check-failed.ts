import type { CheckStatus } from '@steward/db'
import type { CheckFailedRule } from '@steward/pipelines/rules'
import { fireIncident, resolveIncident } from '../incidents/incident-lifecycle.ts'
import type { Trx } from '../incidents/outbox.ts'
import { code, type Mrkdwn, md } from '../slack/mrkdwn.ts'
import { firingFor } from './firing-for.ts'
import type { BoundRule } from './rule-catalog.ts'

/** A check's result in a finished run, as the rule reads it. */
export interface RunCheckResult {
  run_id: string
  table_name: string
  check_name: string
  severity: 'warn' | 'error'
  status: CheckStatus
  failing_count: string | number | null
  error: string | null
}

/** The check results of these runs, by run (index `check_results_run_idx`). */
export async function checkResultsOf(
  trx: Trx,
  runIds: readonly string[],
): Promise<Map<string, RunCheckResult[]>> {
  const byRun = new Map<string, RunCheckResult[]>()
  if (runIds.length === 0) return byRun
  const rows = await trx
    .selectFrom('check_results')
    .select(['run_id', 'table_name', 'check_name', 'severity', 'status', 'failing_count', 'error'])
    .where('run_id', 'in', [...runIds])
    .orderBy('id')
    .execute()
  for (const row of rows) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row])
  return byRun
}

/**
 * `checkFailed`: each check of the run (narrowed by `table` and `checkSeverity`) that failed or
 * could not run opens its incident, one per table and check (`table:<name>/check:<name>`); one that
 * passed resolves it. Names come from definitions and messages from the warehouse: both go into
 * the message as code spans, which nothing in them can break out of.
 */
export async function evaluateCheckFailed(
  trx: Trx,
  bound: BoundRule & { rule: CheckFailedRule },
  run: { id: string; pipeline_id: string },
  results: readonly RunCheckResult[],
  runLink: Mrkdwn,
  at: Date,
): Promise<void> {
  const { rule } = bound
  for (const result of results) {
    if (rule.table !== undefined && result.table_name !== rule.table) continue
    if (rule.checkSeverity !== undefined && result.severity !== rule.checkSeverity) continue
    const subject = {
      key: `table:${result.table_name}/check:${result.check_name}`,
      pipelineId: run.pipeline_id,
    }
    if (result.status === 'passed') {
      await resolveIncident(trx, {
        ruleKey: bound.key,
        subjectKey: subject.key,
        reason: `the check passed in run ${run.id.slice(0, 8)}`,
        at,
      })
      continue
    }
    const failing = Number(result.failing_count ?? 0)
    const what =
      result.status === 'failed'
        ? `${failing.toLocaleString('en-US')} failing ${failing === 1 ? 'row' : 'rows'}`
        : 'could not run'
    await fireIncident(
      trx,
      firingFor(bound, subject, {
        title:
          `${result.table_name}: check ${result.check_name} (${result.severity}) ${result.status === 'failed' ? 'failed' : 'could not run'}`.slice(
            0,
            300,
          ),
        detail: md`${code(`${result.check_name}: ${what}${result.error ? ` — ${result.error}` : ''}`, 500)}\n${runLink}`,
        at,
        repeat: true,
      }),
    )
  }
}
