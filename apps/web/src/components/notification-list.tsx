import { formatInstant } from '../lib/format.ts'
import { summariseSlackPayload } from '../lib/slack-summary.ts'
import type { IncidentNotification } from '../server/queries/list-incidents.ts'
import { SlackText } from './slack-text.tsx'

const kindLabels: Record<IncidentNotification['kind'], string> = {
  first: 'First message',
  follow_up: 'Follow-up in thread',
  resolved: 'Resolved update',
  reminder: 'Reminder',
  digest: 'Digest',
  delivery_problem: 'Delivery problem',
}

/** What became of a notification, as shown: a pending one no process can send is recorded only. */
type DeliveryState = IncidentNotification['status'] | 'recorded_only'

const statusLabels: Record<DeliveryState, string> = {
  sent: 'Sent',
  pending: 'Queued',
  recorded_only: 'Recorded only',
  failed: 'Failed',
  not_sent_no_token: 'Not sent: no Slack token',
}

const tallyLabels: Record<DeliveryState, string> = {
  sent: 'sent',
  pending: 'queued',
  recorded_only: 'recorded only',
  failed: 'failed',
  not_sent_no_token: 'not sent (no Slack token)',
}

/** A pending notification is recorded only while no Steward process can send to Slack. */
export function deliveryState(status: IncidentNotification['status'], canSend: boolean): DeliveryState {
  return status === 'pending' && !canSend ? 'recorded_only' : status
}

/**
 * A webhook, PagerDuty or e-mail destination (`webhook:<name>`…, @steward/alerts
 * receiver-destination.ts): delivered by processes with its own settings, not Slack's.
 */
function isReceiver(destination: string): boolean {
  return /^(webhook|pagerduty|email):/.test(destination)
}

/** The Slack messages about an incident and what became of each: behind a disclosure, no JS needed. */
export function NotificationList({
  notifications,
  canSend,
}: {
  notifications: IncidentNotification[]
  /** Whether a Steward process can send to Slack now. */
  canSend: boolean
}) {
  if (notifications.length === 0) {
    return <p className="incident__none muted">No Slack message yet.</p>
  }
  const counts = new Map<DeliveryState, number>()
  for (const n of notifications) {
    const state = deliveryState(n.status, canSend || isReceiver(n.destination))
    counts.set(state, (counts.get(state) ?? 0) + 1)
  }
  const tally = [...counts].map(([state, n]) => `${n} ${tallyLabels[state]}`)
  return (
    <details className="notifications">
      <summary>
        {notifications.length} {notifications.length === 1 ? 'notification' : 'notifications'}
        <span className="muted"> · {tally.join(', ')}</span>
      </summary>
      <ol className="notifications__list">
        {notifications.map((n) => {
          const state = deliveryState(n.status, canSend || isReceiver(n.destination))
          return (
            <li key={n.id} className="notification" data-delivery={state}>
              <div className="notification__head">
                <span className="status" data-delivery={state}>
                  {statusLabels[state]}
                </span>
                <span className="notification__kind">{kindLabels[n.kind]}</span>
                <span className="muted">
                  to <code>{n.destination}</code>
                </span>
                <time className="muted notification__time" dateTime={n.createdAt.toISOString()}>
                  {formatInstant(n.createdAt)}
                </time>
              </div>
              <Delivery notification={n} canSend={canSend} />
              <Message notification={n} />
            </li>
          )
        })}
      </ol>
    </details>
  )
}

function Delivery({ notification: n, canSend }: { notification: IncidentNotification; canSend: boolean }) {
  if (isReceiver(n.destination) && (n.status === 'sent' || n.status === 'failed')) {
    return (
      <p className="notification__delivery">
        {n.status === 'sent' ? (
          <>
            Delivered to <code>{n.destination}</code>
            {n.sentAt ? <> at {formatInstant(n.sentAt)}</> : null}
          </>
        ) : (
          <>
            <code>{n.destination}</code> refused it after {n.attempts} {n.attempts === 1 ? 'try' : 'tries'}:{' '}
            <span className="notification__error">{n.lastError ?? 'no reason recorded'}</span>
          </>
        )}
      </p>
    )
  }
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
  if (n.status === 'pending' && !canSend && !isReceiver(n.destination)) {
    return (
      <p className="notification__delivery">
        No Steward process can send to Slack now (none runs with <code>SLACK_BOT_TOKEN</code>): it is
        recorded, and goes out as soon as one does. This is how it will look:
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
      Recorded before a Steward process could send to Slack (<code>SLACK_BOT_TOKEN</code>), so nothing was
      posted. This is what would have been:
    </p>
  )
}

function Message({ notification }: { notification: IncidentNotification }) {
  const summary = summariseSlackPayload(notification.payload)
  const texts = summary.mrkdwn.length > 0 ? summary.mrkdwn : [summary.text]
  return (
    <blockquote className="slack-message" aria-label="Message text">
      {texts.map((text, index) => (
        // Blocks of one stored message: their order is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: a message's blocks never reorder
        <p key={index}>
          <SlackText text={text} />
        </p>
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
