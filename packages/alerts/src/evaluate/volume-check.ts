import type { VolumeBound } from '@steward/pipelines/rules'

const hourMs = 3_600_000

/** The hours to compare with `hourStart`: the same hour on each of the previous N days or weeks. */
export function baselineHours(hourStart: Date, bound: Exclude<VolumeBound, number>): Date[] {
  const base = bound.vsSameHour
  const step = 'days' in base ? 24 * hourMs : 7 * 24 * hourMs
  const count = 'days' in base ? base.days : base.weeks
  return Array.from({ length: count }, (_, i) => new Date(hourStart.getTime() - (i + 1) * step))
}

export interface VolumeVerdict {
  breached: boolean
  /** The threshold the value was held against, for the message. */
  threshold: number
}

/**
 * Whether `value` breaks a bound. Seasonal bounds compare with the mean of `baseline` (the same
 * hour earlier): a nightly low is low every night, so it does not fire; a drop at noon does. With
 * no history (every baseline hour 0) a seasonal bound cannot judge and does not fire.
 */
export function checkVolume(
  value: number,
  direction: 'below' | 'above',
  bound: VolumeBound,
  baseline: readonly number[],
): VolumeVerdict {
  if (typeof bound === 'number') {
    return { breached: direction === 'below' ? value < bound : value > bound, threshold: bound }
  }
  if (baseline.length === 0 || baseline.every((v) => v === 0))
    return { breached: false, threshold: Number.NaN }
  const mean = baseline.reduce((a, b) => a + b, 0) / baseline.length
  let threshold: number
  if ('ratio' in bound) threshold = mean * bound.ratio
  else {
    const variance = baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / baseline.length
    const spread = bound.deviations * Math.sqrt(variance)
    threshold = direction === 'below' ? mean - spread : mean + spread
  }
  return { breached: direction === 'below' ? value < threshold : value > threshold, threshold }
}

export function hourStartOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / hourMs) * hourMs)
}
