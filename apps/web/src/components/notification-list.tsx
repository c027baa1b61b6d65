import { formatInstant } from '../lib/format.ts'
import { summariseSlackPayload } from '../lib/slack-summary.ts'
import type { IncidentNotification } from '../server/queries/list-incidents.ts'

const kindLabels: Record<IncidentNotification['kind'], string> = {
  first: 'First message',
  follow_up: 'Follow-up in thread',
  resolved: 'Resolved update',
  reminder: 'Reminder',
  digest: 'Digest',
  delivery_problem: 'Delivery problem',
}

const statusLabels: Record<IncidentNotification['status'], string> = {
  sent: 'Sent',
  pending: 'Queued',
  failed: 'Failed',
  not_sent_no_token: 'Not sent: no Slack token',
}

const tallyLabels: Record<IncidentNotification['status'], string> = {
  sent: 'sent',
  pending: 'queued',
  failed: 'failed',
  not_sent_no_token: 'not sent (no Slack token)',
}

/** The Slack messages about an incident and what became of each: behind a disclosure, no JS needed. */
export function NotificationList({ notifications }: { notifications: IncidentNotification[] }) {
  if (notifications.length === 0) {
    return <p className="incident__none muted">No Slack message yet.</p>
  }
  const counts = new Map<string, number>()
  for (const n of notifications) counts.set(n.status, (counts.get(n.status) ?? 0) + 1)
  const tally = [...counts].map(
    ([status, n]) => `${n} ${tallyLabels[status as IncidentNotification['status']]}`,
  )
  return (
    <details className="notifications">
      <summary>
        {notifications.length} {notifications.length === 1 ? 'notification' : 'notifications'}
        <span className="muted"> · {tally.join(', ')}</span>
      </summary>
      <ol className="notifications__list">
        {notifications.map((n) => (
          <li key={n.id} className="notification" data-delivery={n.status}>
            <div className="notification__head">
              <span className="status" data-delivery={n.status}>
                {statusLabels[n.status]}
              </span>
              <span className="notification__kind">{kindLabels[n.kind]}</span>
              <span className="muted">
                to <code>{n.destination}</code>
              </span>
              <time className="muted notification__time" dateTime={n.createdAt.toISOString()}>
                {formatInstant(n.createdAt)}
              </time>
            </div>
            <Delivery notification={n} />
            <Message notification={n} />
          </li>
        ))}
      </ol>
    </details>
  )
}

function Delivery({ notification: n }: { notification: IncidentNotification }) {
  if (n.status === 'sent') {
    return (
      <p className="notification__delivery">
        Posted to Slack channel <code>{n.slackChannel ?? n.destination}</code>
        {n.slackTs ? (
          <>
            {' '}
            as message <code>{n.slackTs}</code>
          </>
        ) : null}
        {n.threadTs && n.threadTs !== n.slackTs ? (
          <>
            {' '}
            in thread <code>{n.threadTs}</code>
          </>
        ) : null}
        {n.sentAt ? <> at {formatInstant(n.sentAt)}</> : null}
      </p>
    )
  }
  if (n.status === 'pending') {
    return (
      <p className="notification__delivery">
        Waiting in the outbox
        {n.attempts > 0 ? ` after ${n.attempts} ${n.attempts === 1 ? 'try' : 'tries'}` : ''}
        {n.lastError ? (
          <>
            : <span className="notification__error">{n.lastError}</span>
          </>
        ) : (
          '.'
        )}
      </p>
    )
  }
  if (n.status === 'failed') {
    return (
      <p className="notification__delivery">
        Slack refused it after {n.attempts} {n.attempts === 1 ? 'try' : 'tries'}:{' '}
        <span className="notification__error">{n.lastError ?? 'no reason recorded'}</span>
      </p>
    )
  }
  return (
    <p className="notification__delivery">
      No Slack token is configured (<code>SLACK_BOT_TOKEN</code>), so nothing was posted. This is what would
      have been:
    </p>
  )
}

function Message({ notification }: { notification: IncidentNotification }) {
  const summary = summariseSlackPayload(notification.payload)
  const lines = summary.lines.length > 0 ? summary.lines : [summary.text]
  return (
    <blockquote className="slack-message" aria-label="Message text">
      {lines.map((line, index) => (
        // Lines of one stored message: their order is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: a message's lines never reorder
        <p key={index}>{line}</p>
      ))}
      {summary.buttons.length > 0 ? (
        <p className="slack-message__buttons">
          {summary.buttons.map((label) => (
            <span key={label} className="slack-message__button">
              {label}
            </span>
          ))}
        </p>
      ) : null}
    </blockquote>
  )
}
