import type { SeasonalBaseline, VolumeBound, VolumeRule } from '@steward/pipelines/rules'
import {
  describeSource,
  hourlySumsBySource,
  hourRange,
  type Source,
} from '../../queries/hourly-sums-by-source.ts'
import { md } from '../../slack/mrkdwn.ts'
import { scopeSubject } from '../rule-catalog.ts'
import { baselineHours, checkVolume, hourStartOf } from '../volume-check.ts'
import { resolveGoneSources } from './gone-sources.ts'
import { fire, resolve, type TimerCheckInput, type TimerOutcome } from './timer-check.ts'

const hourMs = 3_600_000

/**
 * `volume({ by })`: the last complete hour of each source against its own bounds. The sources are
 * those in the baseline (the same hours earlier; with a fixed bound, the 24 hours before), so one
 * that stopped reporting is judged at 0 and one that is new is not judged at all.
 */
export async function checkVolumeBySource(
  input: TimerCheckInput<VolumeRule & { by: readonly string[]; metric: string }>,
): Promise<TimerOutcome[]> {
  const { trx, catalog, bound, rule, now } = input
  const pipelines = catalog.watchedPipelines(bound)
  if (pipelines.length === 0) return []
  const hour = new Date(hourStartOf(now).getTime() - hourMs)
  const checks = (['below', 'above'] as const).flatMap((direction) => {
    const limit: VolumeBound | undefined = rule[direction]
    if (limit === undefined) return []
    return [{ direction, limit, baseline: typeof limit === 'number' ? [] : baselineHours(hour, limit) }]
  })
  const fixed = checks.some((check) => typeof check.limit === 'number')
  const ranges = [
    hourRange(hour),
    ...[...new Set(checks.flatMap((c) => c.baseline.map((h) => h.getTime())))].map((h) =>
      hourRange(new Date(h)),
    ),
    // With a fixed bound, the sources are those of the day before.
    ...(fixed ? [{ from: new Date(hour.getTime() - 24 * hourMs), to: hour }] : []),
  ]
  const { sums, sources } = await hourlySumsBySource(
    trx,
    {
      metric: rule.metric,
      pipelines,
      productId: bound.product.id,
      ...(rule.step ? { step: rule.step } : {}),
    },
    rule.by,
    ranges,
  )
  const sumAt = (at: Date, source: Source) => sums.get(at.getTime())?.get(source.key) ?? 0
  const reported = (source: Source, hours: readonly Date[]) => hours.some((h) => sumAt(h, source) > 0)
  const dayBefore = Array.from({ length: 24 }, (_, i) => new Date(hour.getTime() - (i + 1) * hourMs))
  const subjectBase = `${scopeSubject(bound)}/metric:${rule.step ? `${rule.step}.` : ''}${rule.metric}`
  const what = `${rule.step ? `${rule.step} › ` : ''}${rule.metric}`
  const watched = new Set<string>()
  const outcomes: TimerOutcome[] = []
  for (const source of sources.values()) {
    if (!checks.some((c) => reported(source, typeof c.limit === 'number' ? dayBefore : c.baseline))) continue
    watched.add(source.key)
    const value = sumAt(hour, source)
    const subjectKey = `${subjectBase}/${source.key}`
    const from = describeSource(rule.by, source.labels)
    const breaches = checks.flatMap((check) => {
      const baseline = check.baseline.map((h) => sumAt(h, source))
      const verdict = checkVolume(value, check.direction, check.limit, baseline)
      if (!verdict.breached) return []
      const mean = baseline.length > 0 ? baseline.reduce((a, b) => a + b, 0) / baseline.length : Number.NaN
      return [{ ...check, threshold: verdict.threshold, mean }]
    })
    const [first] = breaches
    if (!first) {
      outcomes.push(
        resolve(bound, subjectKey, `${what} from ${from} back within bounds (${formatCount(value)})`, now),
      )
      continue
    }
    const compared =
      typeof first.limit === 'number'
        ? `${first.direction} ${formatCount(first.limit)}`
        : `${sameHourName(first.limit.vsSameHour)}: ${formatCount(first.mean)}`
    const expected = breaches.map(
      (b) =>
        `${b.direction === 'below' ? 'expected at least' : 'expected at most'} ${formatCount(b.threshold)}`,
    )
    outcomes.push(
      fire(
        bound,
        { key: subjectKey, pipelineId: bound.pipelineId, stepId: rule.step ?? null },
        {
          title: `${bound.product.name}: ${what} from ${from} are ${formatCount(value)} (${compared})`,
          detail: md`In the hour from ${hour.toISOString().slice(0, 13)}:00Z; ${expected.join(', ')}. The other sources of ${rule.metric} are judged on their own.`,
        },
        now,
      ),
    )
  }
  const gone = await resolveGoneSources(input, subjectBase, watched, 'no longer in the baseline')
  return [...outcomes, ...gone]
}

/** "same hour last week", "same hour on the last 7 days". */
function sameHourName(baseline: SeasonalBaseline): string {
  if ('weeks' in baseline)
    return baseline.weeks === 1 ? 'same hour last week' : `same hour, last ${baseline.weeks} weeks`
  return baseline.days === 1 ? 'same hour yesterday' : `same hour, last ${baseline.days} days`
}

/** 41,200; 0.25 */
function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 })
}
