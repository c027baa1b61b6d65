import { durationMs } from '@steward/kernel'
import type { FreshnessRule } from '@steward/pipelines/rules'
import { sql } from 'kysely'
import { describeSource, sourceKey } from '../../queries/hourly-sums-by-source.ts'
import { md } from '../../slack/mrkdwn.ts'
import { formatMs } from '../evaluate-finished-runs.ts'
import { scopeSubject } from '../rule-catalog.ts'
import { resolveGoneSources } from './gone-sources.ts'
import { fire, resolve, type TimerCheckInput, type TimerOutcome } from './timer-check.ts'

/** A source silent for this long is gone (decommissioned), not quiet: per-source freshness lets it go. */
const freshnessLookbackMs = 7 * 86_400_000

/**
 * `freshness({ metric, by })`: each source's last successful run that reported more than 0 of the
 * metric, against `maxAge`. Sources that reported in the last 7 days are watched.
 */
export async function checkFreshnessBySource(
  input: TimerCheckInput<FreshnessRule & { by: readonly string[]; metric: string }>,
): Promise<TimerOutcome[]> {
  const { trx, catalog, bound, rule, now } = input
  const maxAgeMs = rule.maxAge !== undefined ? durationMs(rule.maxAge) : bound.product.freshnessMaxAgeMs
  const pipelines = catalog.watchedPipelines(bound)
  if (!maxAgeMs || pipelines.length === 0) return []
  let query = trx
    .selectFrom('metrics')
    .innerJoin('runs', 'runs.id', 'metrics.run_id')
    .select(['metrics.labels', (eb) => eb.fn.max('runs.finished_at').as('last')])
    .where('metrics.product_id', '=', bound.product.id)
    .where('metrics.pipeline_id', 'in', pipelines)
    .where('metrics.name', '=', rule.metric)
    .where('metrics.value', '>', 0)
    .where('metrics.recorded_at', '>=', new Date(now.getTime() - freshnessLookbackMs - maxAgeMs))
    // As of `now`: an evaluation replayed at an earlier time judges what was there then.
    .where('metrics.recorded_at', '<=', now)
    .where('runs.status', '=', 'succeeded')
    .groupBy('metrics.labels')
  for (const label of rule.by) query = query.where(sql<string>`metrics.labels ->> ${label}`, 'is not', null)
  const lastBySource = new Map<string, { labels: Record<string, string>; last: Date }>()
  for (const row of await query.execute()) {
    if (!row.last) continue
    const labels = Object.fromEntries(rule.by.map((label) => [label, String(row.labels[label])]))
    const key = sourceKey(rule.by, labels)
    const last = new Date(row.last)
    const known = lastBySource.get(key)
    if (!known || known.last < last) lastBySource.set(key, { labels, last })
  }
  const subjectBase = `${scopeSubject(bound)}/fresh:${rule.metric}`
  const watched = new Set<string>()
  const outcomes: TimerOutcome[] = []
  for (const [key, { labels, last }] of lastBySource) {
    const ageMs = now.getTime() - last.getTime()
    if (ageMs > freshnessLookbackMs) continue
    watched.add(key)
    const subjectKey = `${subjectBase}/${key}`
    const from = describeSource(rule.by, labels)
    if (ageMs > maxAgeMs) {
      outcomes.push(
        fire(
          bound,
          { key: subjectKey, pipelineId: bound.pipelineId },
          {
            title: `${bound.product.name}: no ${rule.metric} from ${from} for ${formatMs(ageMs)} (promise: ${formatMs(maxAgeMs)})`,
            detail: md`Last run that wrote ${rule.metric} from ${from}: ${last.toISOString()}. The other sources are judged on their own.`,
          },
          now,
        ),
      )
    } else outcomes.push(resolve(bound, subjectKey, `${rule.metric} from ${from} arrived again`, now))
  }
  const gone = await resolveGoneSources(
    input,
    subjectBase,
    watched,
    'silent for over 7 days: no longer watched',
  )
  return [...outcomes, ...gone]
}
