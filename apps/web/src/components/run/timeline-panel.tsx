import type { RunDetail } from '#server/queries/get-run-detail.ts'
import { GanttChart } from '../gantt-chart.tsx'

/** The Gantt chart of the run's steps from `start` to `end`, or why there is none yet, over its legend. */
export function TimelinePanel({
  run,
  start,
  end,
}: {
  run: RunDetail
  /** The first queueing or start of any step; undefined when no step has started. */
  start: Date | undefined
  end: Date
}) {
  return (
    <section className="card panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="panel__title">
        Timeline
      </h2>
      {start ? (
        <GanttChart steps={run.steps} start={start} end={end} />
      ) : (
        <p className="muted">
          No step has started yet.{' '}
          {run.status === 'queued' ? 'The run waits for a worker (or for a free slot of its pipeline).' : ''}
        </p>
      )}
      <GanttLegend />
    </section>
  )
}

function GanttLegend() {
  return (
    <ul className="legend" aria-label="Legend">
      {(['succeeded', 'failed', 'running', 'cancelled', 'timed_out'] as const).map((status) => (
        <li key={status}>
          <span className="legend__swatch" data-status={status} />
          {status === 'timed_out' ? 'timed out' : status}
        </li>
      ))}
      <li>
        <span className="legend__swatch legend__swatch--wait" />
        waiting in queue
      </li>
    </ul>
  )
}
