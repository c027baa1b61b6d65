import { durationMs } from '@steward/kernel'
import type { LateRule } from '@steward/pipelines/rules'
import { CronExpressionParser } from 'cron-parser'
import { fire, resolve, type TimerCheck } from './timer-check.ts'

/**
 * `late`: the pipeline's last scheduled time (its cron, in its zone) against the runs created
 * since: none started within `startWithin`, or none succeeded within `finishWithin`. A pipeline
 * with no schedule, or deployed after that time, is not judged.
 */
export const lateCheck: TimerCheck<LateRule> = {
  async evaluate({ trx, catalog, bound, rule, now }) {
    const pipeline = bound.pipelineId ? catalog.pipelines.get(bound.pipelineId) : undefined
    if (!pipeline?.scheduleCron) return []
    let due: Date
    try {
      due = CronExpressionParser.parse(pipeline.scheduleCron, {
        currentDate: now,
        tz: pipeline.scheduleTimezone ?? 'UTC',
      })
        .prev()
        .toDate()
    } catch {
      return []
    }
    if (due.getTime() < pipeline.createdAt.getTime()) return []
    const subject = `pipeline:${pipeline.id}`
    const runs = await trx
      .selectFrom('runs')
      .select(['status', 'created_at'])
      .where('pipeline_id', '=', pipeline.id)
      .where('created_at', '>=', new Date(due.getTime() - 60_000))
      .execute()
    const startMs = rule.startWithin === undefined ? undefined : durationMs(rule.startWithin)
    const finishMs = rule.finishWithin === undefined ? undefined : durationMs(rule.finishWithin)
    const succeeded = runs.some((r) => r.status === 'succeeded')
    const notStarted = startMs !== undefined && now.getTime() > due.getTime() + startMs && runs.length === 0
    const notDone = finishMs !== undefined && now.getTime() > due.getTime() + finishMs && !succeeded
    if (notStarted || notDone) {
      return [
        fire(
          bound,
          { key: subject, pipelineId: pipeline.id },
          {
            title: `${pipeline.name} is late: the run due at ${due.toISOString()} has ${notStarted ? 'not started' : 'not succeeded'}`,
          },
          now,
        ),
      ]
    }
    // Not late (yet) and no success: an open incident stays open until the run succeeds.
    return succeeded ? [resolve(bound, subject, 'the scheduled run succeeded', now)] : []
  },
}
