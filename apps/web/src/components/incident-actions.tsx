import { ackIncidentAction, snoozeIncidentAction } from '../server/alerts/actions.ts'
import type { IncidentRow } from '../server/queries/list-incidents.ts'

/**
 * Acknowledge and Snooze as plain forms posting to server actions: they work without client
 * JavaScript, and Next.js refuses a post whose Origin is not this app (CSRF). The snooze length
 * is the value of the button pressed.
 */
export function IncidentActions({
  incident,
  returnTo,
  acked,
}: {
  incident: Pick<IncidentRow, 'id' | 'title'>
  returnTo: string
  acked: boolean
}) {
  return (
    <div className="incident__actions">
      {acked ? null : (
        <form action={ackIncidentAction}>
          <input type="hidden" name="incident" value={incident.id} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <button type="submit" className="button button--primary button--small">
            Acknowledge
          </button>
        </form>
      )}
      <form action={snoozeIncidentAction} className="incident__snooze">
        <input type="hidden" name="incident" value={incident.id} />
        <input type="hidden" name="returnTo" value={returnTo} />
        <span className="incident__snooze-label" aria-hidden="true">
          Snooze
        </span>
        <fieldset className="button-group">
          <legend className="visually-hidden">Snooze</legend>
          <button
            type="submit"
            name="for"
            value="1h"
            className="button button--small"
            aria-label="Snooze 1 hour"
          >
            1h
          </button>
          <button
            type="submit"
            name="for"
            value="4h"
            className="button button--small"
            aria-label="Snooze 4 hours"
          >
            4h
          </button>
          <button
            type="submit"
            name="for"
            value="tomorrow"
            className="button button--small"
            aria-label="Snooze until tomorrow 09:00"
          >
            Until tomorrow
          </button>
        </fieldset>
      </form>
    </div>
  )
}
