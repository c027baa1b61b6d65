import type { RunStatus } from '@steward/db'
import { formatDurationMs } from '../lib/format.ts'

export interface DurationBar {
  id: string
  status: RunStatus
  durationMs: number | null
  label: string
}

const barWidth = 10
const gap = 4
const chartHeight = 56

/** Recent runs' durations as small bars, oldest left, coloured by status: a slow run stands out. */
export function DurationBars({ runs }: { runs: readonly DurationBar[] }) {
  const finished = runs.filter((run) => run.durationMs !== null)
  if (finished.length === 0) return null
  const longest = Math.max(...finished.map((run) => run.durationMs ?? 0), 1)
  const width = runs.length * (barWidth + gap)
  return (
    <figure className="duration-bars">
      <svg
        viewBox={`0 0 ${width} ${chartHeight}`}
        width={width}
        height={chartHeight}
        role="img"
        aria-label={`Durations of the last ${runs.length} runs; longest ${formatDurationMs(longest)}`}
      >
        {runs.map((run, index) => {
          const h = run.durationMs === null ? 3 : Math.max(3, (run.durationMs / longest) * (chartHeight - 2))
          return (
            <rect
              key={run.id}
              x={index * (barWidth + gap)}
              y={chartHeight - h}
              width={barWidth}
              height={h}
              rx="2"
              className="duration-bars__bar"
              data-status={run.status}
            >
              <title>{run.label}</title>
            </rect>
          )
        })}
      </svg>
      <figcaption className="muted">Duration of the last {runs.length} runs, oldest first</figcaption>
    </figure>
  )
}
