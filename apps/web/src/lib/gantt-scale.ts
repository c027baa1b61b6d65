/**
 * The time axis of a run's Gantt chart: milliseconds since the run started mapped onto pixels,
 * with tick marks at a "nice" interval (1, 2, 5 × a power of ten, or whole minutes and hours) so
 * the labels read 0s 10s 20s, or 0 2m 4m, whatever the run's length.
 */
export interface GanttScale {
  /** Start of the axis (epoch ms). */
  start: number
  /** Length of the axis in ms (never 0). */
  span: number
  width: number
  /** x (px) of an instant (epoch ms), clamped to the axis. */
  x(at: number): number
  ticks: { at: number; x: number; label: string }[]
}

const niceSteps = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
]

/** The smallest nice interval that gives at most `maxTicks` intervals over `span`. */
export function tickInterval(span: number, maxTicks = 6): number {
  for (const step of niceSteps) if (span / step <= maxTicks) return step
  return Math.ceil(span / maxTicks / 86_400_000) * 86_400_000
}

/** An offset from the run's start as a short label: 0, 500ms, 10s, 1m30s, 2h, 1h15m. */
export function offsetLabel(ms: number): string {
  if (ms === 0) return '0'
  if (ms < 1_000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${trim(ms / 1_000)}s`
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000)
    const seconds = Math.round((ms % 60_000) / 1_000)
    return seconds > 0 ? `${minutes}m${seconds}s` : `${minutes}m`
  }
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.round((ms % 3_600_000) / 60_000)
  return minutes > 0 ? `${hours}h${minutes}m` : `${hours}h`
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1)
}

export function ganttScale(start: number, end: number, width: number, maxTicks = 6): GanttScale {
  const rawSpan = Math.max(end - start, 1)
  const interval = tickInterval(rawSpan, maxTicks)
  // Round the axis up to a whole tick so the last label sits at the right edge.
  const span = Math.ceil(rawSpan / interval) * interval
  const x = (at: number) => (Math.min(Math.max(at - start, 0), span) / span) * width
  const ticks = []
  for (let offset = 0; offset <= span; offset += interval) {
    ticks.push({ at: start + offset, x: (offset / span) * width, label: offsetLabel(offset) })
  }
  return { start, span, width, x, ticks }
}
