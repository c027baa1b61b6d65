import type { VolumeBound, VolumeRule } from '@steward/pipelines/rules'
import { hourlySumsBySource, hourRange } from '../../queries/hourly-sums-by-source.ts'
import { scopeSubject } from '../rule-catalog.ts'
import { baselineHours, checkVolume, hourStartOf } from '../volume-check.ts'
import { checkTableVolume } from './table-volume.ts'
import { fire, resolve, type TimerCheck } from './timer-check.ts'
import { checkVolumeBySource } from './volume-by-source.ts'

const hourMs = 3_600_000

/**
 * `volume`: a metric summed over the last complete hour (a metric that stopped arriving is 0),
 * against fixed or seasonal bounds. With `by`, each source is judged on its own
 * (volume-by-source.ts).
 */
export const volumeCheck: TimerCheck<VolumeRule> = {
  async evaluate(input) {
    const { trx, catalog, bound, rule, now } = input
    const { by, metric } = rule
    if (rule.table !== undefined) return checkTableVolume({ ...input, table: rule.table })
    // Validation makes sure a rule without `table` has a metric.
    if (metric === undefined) return []
    if (by !== undefined) return checkVolumeBySource({ ...input, rule: { ...rule, by, metric } })
    const pipelines = catalog.watchedPipelines(bound)
    if (pipelines.length === 0) return []
    // The last complete hour: the current one is still filling.
    const hour = new Date(hourStartOf(now).getTime() - hourMs)
    const limits = (['below', 'above'] as const).flatMap((direction) => {
      const limit: VolumeBound | undefined = rule[direction]
      return limit === undefined ? [] : [{ direction, limit }]
    })
    const baselines = limits.map(({ limit }) => (typeof limit === 'number' ? [] : baselineHours(hour, limit)))
    // The hour and every baseline hour in one query; the total is the sum over all label sets.
    const { sums } = await hourlySumsBySource(
      trx,
      { metric, pipelines, ...(rule.step ? { step: rule.step } : {}) },
      [],
      [hour, ...baselines.flat()].map(hourRange),
    )
    const sumAt = (start: Date): number => sums.get(start.getTime())?.get('') ?? 0
    const value = sumAt(hour)
    const subjectKey = `${scopeSubject(bound)}/metric:${rule.step ? `${rule.step}.` : ''}${metric}`
    const breaches: string[] = []
    for (const [i, { direction, limit }] of limits.entries()) {
      const baseline = (baselines[i] ?? []).map(sumAt)
      const verdict = checkVolume(value, direction, limit, baseline)
      if (verdict.breached)
        breaches.push(`${value} ${direction === 'below' ? '<' : '>'} ${round(verdict.threshold)}`)
    }
    const what = `${rule.step ? `${rule.step} › ` : ''}${metric}`
    if (breaches.length === 0)
      return [resolve(bound, subjectKey, `${what} back within bounds (${value})`, now)]
    return [
      fire(
        bound,
        { key: subjectKey, pipelineId: bound.pipelineId, stepId: rule.step ?? null },
        {
          title: `${bound.product.name}: ${what} out of bounds in the hour from ${hour.toISOString().slice(0, 13)}:00Z (${breaches.join(', ')})`,
        },
        now,
      ),
    ]
  },
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
