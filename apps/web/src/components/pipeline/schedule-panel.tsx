import { timeAgo } from '#lib/format.ts'
import { describeCron, formatInZone, nextFireTimes } from '#lib/schedule.ts'
import type { PipelineDetail } from '#server/queries/get-pipeline-detail.ts'

/** The schedule in words with its cron and time zone, and the next three fire times. */
export function SchedulePanel({ pipeline, now }: { pipeline: PipelineDetail; now: Date }) {
  return (
    <section className="card panel" aria-labelledby="schedule-title">
      <h2 id="schedule-title" className="panel__title">
        Schedule
      </h2>
      <Schedule pipeline={pipeline} now={now} />
    </section>
  )
}

function Schedule({ pipeline, now }: { pipeline: PipelineDetail; now: Date }) {
  if (!pipeline.scheduleCron) return <p className="muted">No schedule: it runs on its triggers or by hand.</p>
  const timezone = pipeline.scheduleTimezone ?? 'UTC'
  // An archived pipeline never fires again.
  const next = pipeline.archivedAt ? [] : nextFireTimes(pipeline.scheduleCron, timezone, now, 3)
  return (
    <>
      <p className="schedule__words">{describeCron(pipeline.scheduleCron) ?? 'Custom schedule'}</p>
      <p className="muted">
        <code>{pipeline.scheduleCron}</code> in {timezone}
      </p>
      {next.length > 0 ? (
        <dl className="schedule__next">
          <dt>Next runs</dt>
          {next.map((at) => (
            <dd key={at.toISOString()}>
              <time dateTime={at.toISOString()}>{formatInZone(at, timezone)}</time>{' '}
              <span className="muted">({timeAgo(at, now)})</span>
            </dd>
          ))}
        </dl>
      ) : null}
    </>
  )
}
