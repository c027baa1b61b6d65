import { orderSteps } from '../lib/dag-layout.ts'
import { formatDurationMs } from '../lib/format.ts'
import { ganttScale } from '../lib/gantt-scale.ts'
import type { RunStepRow } from '../server/queries/get-run-detail.ts'
import { statusLabel } from './status-badge.tsx'

const labelWidth = 150
const chartWidth = 720
const rowHeight = 30
const axisHeight = 26

/**
 * A run as a Gantt chart: one row per step (in graph order), one bar per attempt coloured by its
 * status, a thin line for the time a step waited in the queue, and a time axis from the run's
 * start. Running attempts reach "now" (`readAt`). Steps reused from the run a retry came from have
 * no attempt: their row says so.
 */
export function GanttChart({ steps, start, end }: { steps: readonly RunStepRow[]; start: Date; end: Date }) {
  const order = orderSteps(steps.map((step) => ({ id: step.stepId, needs: step.needs })))
  const byId = new Map(steps.map((step) => [step.stepId, step]))
  const rows = order.map((id) => byId.get(id)).filter((step) => step !== undefined)
  const scale = ganttScale(start.getTime(), end.getTime(), chartWidth)
  const height = axisHeight + rows.length * rowHeight + 4
  const width = labelWidth + chartWidth + 16
  return (
    <div className="gantt">
      <svg
        className="gantt__svg"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Timeline of ${rows.length} steps over ${formatDurationMs(end.getTime() - start.getTime())}`}
      >
        <g transform={`translate(${labelWidth} 0)`}>
          {scale.ticks.map((tick) => (
            <g key={tick.at} transform={`translate(${tick.x} 0)`}>
              <line y1={axisHeight - 6} y2={height} className="gantt__grid" />
              <text
                y={axisHeight - 11}
                textAnchor={tick.x === 0 ? 'start' : 'middle'}
                className="gantt__tick"
              >
                {tick.label}
              </text>
            </g>
          ))}
        </g>
        {rows.map((step, index) => {
          const y = axisHeight + index * rowHeight
          const firstStart = step.attempts[0]?.startedAt
          const reused = step.status === 'succeeded' && step.attemptCount === 0
          return (
            <g key={step.id} transform={`translate(0 ${y})`}>
              <text x="0" y={rowHeight / 2} dominantBaseline="central" className="gantt__label">
                {step.stepId.length > 20 ? `${step.stepId.slice(0, 19)}…` : step.stepId}
              </text>
              <g transform={`translate(${labelWidth} 0)`}>
                {step.queuedAt && (firstStart ?? (step.status === 'queued' ? end : undefined)) ? (
                  <line
                    x1={scale.x(step.queuedAt.getTime())}
                    x2={scale.x((firstStart ?? end).getTime())}
                    y1={rowHeight / 2}
                    y2={rowHeight / 2}
                    className="gantt__wait"
                  >
                    <title>{`${step.stepId}: waited ${formatDurationMs((firstStart ?? end).getTime() - step.queuedAt.getTime())} in the queue`}</title>
                  </line>
                ) : null}
                {step.attempts.map((attempt) => {
                  const x1 = scale.x(attempt.startedAt.getTime())
                  const x2 = scale.x((attempt.finishedAt ?? end).getTime())
                  const took = (attempt.finishedAt ?? end).getTime() - attempt.startedAt.getTime()
                  return (
                    <rect
                      key={attempt.id}
                      x={x1}
                      y={6}
                      width={Math.max(x2 - x1, 3)}
                      height={rowHeight - 12}
                      rx="3"
                      className="gantt__bar"
                      data-status={attempt.status}
                    >
                      <title>{`${step.stepId}, attempt ${attempt.number}: ${statusLabel(attempt.status).toLowerCase()}, ${formatDurationMs(took)}`}</title>
                    </rect>
                  )
                })}
                {reused ? (
                  <text x="4" y={rowHeight / 2} dominantBaseline="central" className="gantt__note">
                    output reused from the retried run
                  </text>
                ) : step.attempts.length === 0 ? (
                  <text x="4" y={rowHeight / 2} dominantBaseline="central" className="gantt__note">
                    {statusLabel(step.status).toLowerCase()}
                  </text>
                ) : null}
              </g>
            </g>
          )
        })}
      </svg>
    </div>
  )
}
