/**
 * The shape of the app's traffic over a day and a week, as weights around 1. Hours are UTC: the
 * simulated app's users live around one time zone, so the night is quiet and the evening peaks.
 */
export const hourWeights: readonly number[] = [
  0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.25, 0.5, 0.7, 0.75, 0.75, 0.8, 0.95, 0.85, 0.8, 0.8, 0.85, 1.0, 1.25,
  1.5, 1.7, 1.6, 1.2, 0.7,
]

/** By `Date.getUTCDay()`: Sunday first. Weekends are busier for a social app. */
export const weekdayWeights: readonly number[] = [1.15, 0.95, 0.92, 0.93, 0.97, 1.05, 1.2]

const hourCumulative: readonly number[] = (() => {
  const total = hourWeights.reduce((sum, w) => sum + w, 0)
  let running = 0
  return hourWeights.map((w) => {
    running += w / total
    return running
  })
})()

const hourMs = 3_600_000

/** Milliseconds after midnight following the daily cycle: `r` picks the hour, `within` the moment in it (both uniform in [0, 1)). */
export function timeOfDay(r: number, within: number): number {
  let hour = 0
  while (hour < 23 && r >= (hourCumulative[hour] ?? 1)) hour++
  return hour * hourMs + Math.floor(within * hourMs)
}

export function weekdayWeight(dayStartMs: number): number {
  return weekdayWeights[new Date(dayStartMs).getUTCDay()] ?? 1
}
