import type { Route } from 'next'
import Link from 'next/link'
import { formatInstant, humaniseDuration, timeAgo } from '../lib/format.ts'
import type { IncidentRow } from '../server/queries/list-incidents.ts'
import { IncidentActions } from './incident-actions.tsx'
import { NotificationList } from './notification-list.tsx'
import { SlackText } from './slack-text.tsx'

const severityLabels: Record<string, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' }

/** A severity as a coloured pill (colour from `data-severity` in alerts.css); the word says it too. */
export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className="status" data-severity={severity}>
      {severityLabels[severity] ?? severity}
    </span>
  )
}

/** An incident: what fired, about what, since when, its ack/snooze state, actions and notifications. */
export function IncidentItem({
  incident,
  now,
  returnTo,
  canSend,
}: {
  incident: IncidentRow
  now: Date
  /** The page's own URL, so an action comes back to the same filter. */
  returnTo: string
  /** Whether a Steward process can send to Slack now. */
  canSend: boolean
}) {
  const open = incident.status === 'open'
  const snoozed = open && incident.snoozedUntil !== null && incident.snoozedUntil > now
  return (
    <article className="incident" id={`incident-${incident.id}`} data-state={incidentState(incident, now)}>
      <header className="incident__header">
        <SeverityBadge severity={incident.severity} />
        <h3 className="incident__title">{incident.title}</h3>
        <span className="incident__states">
          {open && incident.ackedAt ? (
            <span className="tag tag--ok" title={formatInstant(incident.ackedAt)}>
              Acknowledged by {incident.ackedBy ?? 'someone'}
            </span>
          ) : null}
          {snoozed && incident.snoozedUntil ? (
            <span className="tag tag--snoozed" title={formatInstant(incident.snoozedUntil)}>
              Snoozed until {formatInstant(incident.snoozedUntil)}
            </span>
          ) : null}
          {open && !incident.ackedAt && !snoozed ? (
            <span className="tag tag--firing">Unacknowledged</span>
          ) : null}
          {!open ? <span className="tag">Resolved</span> : null}
        </span>
      </header>
      <dl className="incident__facts">
        <div>
          <dt>Product</dt>
          <dd>
            <Link href={`/products/${encodeURIComponent(incident.productId)}` as Route}>
              {incident.productName}
            </Link>
          </dd>
        </div>
        <div>
          <dt>Rule</dt>
          <dd>
            <code>{incident.ruleKey}</code>
          </dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>
            <SubjectLink incident={incident} />
          </dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>
            <time dateTime={incident.openedAt.toISOString()} title={formatInstant(incident.openedAt)}>
              {timeAgo(incident.openedAt, now)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Last fired</dt>
          <dd>
            <time dateTime={incident.lastFiredAt.toISOString()} title={formatInstant(incident.lastFiredAt)}>
              {timeAgo(incident.lastFiredAt, now)}
            </time>
            {incident.fireCount > 1 ? <span className="muted"> · {incident.fireCount} times</span> : null}
          </dd>
        </div>
        {incident.resolvedAt ? (
          <div>
            <dt>Resolved</dt>
            <dd>
              <time dateTime={incident.resolvedAt.toISOString()} title={formatInstant(incident.resolvedAt)}>
                {timeAgo(incident.resolvedAt, now)}
              </time>
              <span className="muted">
                {' '}
                · open{' '}
                {humaniseDuration((incident.resolvedAt.getTime() - incident.openedAt.getTime()) / 1000)}
              </span>
            </dd>
          </div>
        ) : null}
      </dl>
      {incident.detail ? (
        <p className="incident__detail">
          <SlackText text={incident.detail} />
        </p>
      ) : null}
      {incident.resolvedReason ? <p className="incident__detail muted">{incident.resolvedReason}</p> : null}
      {incident.runbook ? (
        <p className="incident__detail">
          <a href={incident.runbook} rel="noreferrer">
            Runbook
          </a>
        </p>
      ) : null}
      {open ? (
        <IncidentActions incident={incident} returnTo={returnTo} acked={incident.ackedAt !== null} />
      ) : null}
      <NotificationList notifications={incident.notifications} canSend={canSend} />
    </article>
  )
}

/** `data-state` for styling and tests: acked, snoozed, firing or resolved. */
export function incidentState(incident: IncidentRow, now: Date): 'resolved' | 'snoozed' | 'acked' | 'firing' {
  if (incident.status === 'resolved') return 'resolved'
  if (incident.snoozedUntil && incident.snoozedUntil > now) return 'snoozed'
  return incident.ackedAt ? 'acked' : 'firing'
}

function SubjectLink({ incident }: { incident: IncidentRow }) {
  const text = <code>{incident.subjectKey}</code>
  if (!incident.pipelineId) return text
  return <Link href={`/pipelines/${encodeURIComponent(incident.pipelineId)}` as Route}>{text}</Link>
}
