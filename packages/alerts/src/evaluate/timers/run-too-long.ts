import { durationMs } from '@steward/kernel'
import type { RunTooLongRule } from '@steward/pipelines/rules'
import { md } from '../../slack/mrkdwn.ts'
import { formatMs } from '../evaluate-finished-runs.ts'
import { fire, type TimerCheck } from './timer-check.ts'

/**
 * `run-too-long`, while the run is still going: every running run of the watched pipelines that
 * started more than `over` ago. Resolving is left to the finished runs (a run that succeeds in
 * time, evaluate-finished-runs.ts).
 */
export const runTooLongCheck: TimerCheck<RunTooLongRule> = {
  async evaluate({ trx, catalog, bound, rule, now }) {
    const boundMs = durationMs(rule.over) ?? Number.POSITIVE_INFINITY
    const pipelines = catalog.watchedPipelines(bound)
    if (pipelines.length === 0) return []
    const slow = await trx
      .selectFrom('runs')
      .select(['id', 'pipeline_id', 'started_at'])
      .where('status', '=', 'running')
      .where('pipeline_id', 'in', pipelines)
      .where('started_at', '<', new Date(now.getTime() - boundMs))
      .execute()
    return slow.map((run) =>
      fire(
        bound,
        { key: `pipeline:${run.pipeline_id}`, pipelineId: run.pipeline_id },
        {
          title: `${catalog.pipelines.get(run.pipeline_id)?.name ?? run.pipeline_id} has been running for over ${formatMs(boundMs)}`,
          detail: md`Run ${run.id}`,
        },
        now,
      ),
    )
  },
}
