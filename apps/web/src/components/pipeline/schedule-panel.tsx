import { timeAgo } from '#lib/format.ts'
import { describeCron, formatInZone, nextFireTimes } from '#lib/schedule.ts'
import type { PipelineDetail } from '#server/queries/get-pipeline-detail.ts'
import { pauseScheduleAction, resumeScheduleAction } from '#server/schedules/actions.ts'

interface Props {
  pipeline: PipelineDetail
  now: Date
  /** Why the viewer may not pause or resume it (not an owner, archived); undefined when they may. */
  cannotChange: string | undefined
  /** `?problem=` after a Pause / Resume that did not go through. */
  problem?: string | undefined
}

const problems: Record<string, string> = {
  FORBIDDEN: 'Only owners of the product and admins can pause or resume its schedule.',
  PIPELINE_NOT_FOUND: 'This pipeline is no longer deployed.',
  SCHEDULE_NOT_FOUND: 'This pipeline has no schedule any more.',
  SCHEDULE_CHANGE_FAILED: 'The schedule could not be changed; the web server’s log says why.',
}

/**
 * The schedule in words with its cron and time zone, and the next three fire times; whether people
 * paused it, with a Pause / Resume button for the product's owners and admins.
 */
export function SchedulePanel(props: Props) {
  return (
    <section className="card panel" aria-labelledby="schedule-title">
      <h2 id="schedule-title" className="panel__title">
        Schedule
      </h2>
      <Schedule {...props} />
    </section>
  )
}

function Schedule({ pipeline, now, cannotChange, problem }: Props) {
  if (!pipeline.scheduleCron) return <p className="muted">No schedule: it runs on its triggers or by hand.</p>
  const timezone = pipeline.scheduleTimezone ?? 'UTC'
  const paused = pipeline.schedulePausedAt
  // An archived pipeline never fires again, nor does a paused schedule until it is resumed.
  const next = pipeline.archivedAt || paused ? [] : nextFireTimes(pipeline.scheduleCron, timezone, now, 3)
  return (
    <>
      <p className="schedule__words">{describeCron(pipeline.scheduleCron) ?? 'Custom schedule'}</p>
      <p className="muted">
        <code>{pipeline.scheduleCron}</code> in {timezone}
      </p>
      {paused ? (
        <p className="schedule__paused">
          <strong>Paused</strong> {pipeline.schedulePausedBy ? `by ${pipeline.schedulePausedBy} ` : ''}
          <time dateTime={paused.toISOString()}>{timeAgo(paused, now)}</time>: its fire times start no run.
        </p>
      ) : null}
      {problem && problems[problem] ? (
        <p className="run-form__message" role="alert">
          {problems[problem]}
        </p>
      ) : null}
      {pipeline.archivedAt ? null : (
        <form
          className="schedule__toggle"
          action={(paused ? resumeScheduleAction : pauseScheduleAction).bind(null, pipeline.id)}
        >
          <button
            type="submit"
            className="button button--small"
            disabled={cannotChange !== undefined}
            title={cannotChange}
          >
            {paused ? 'Resume schedule' : 'Pause schedule'}
          </button>
        </form>
      )}
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
