import { defaultLedgerDays } from '@steward/alerts'
import type { Route } from 'next'
import Link from 'next/link'
import { formatInstant, timeAgo } from '#lib/format.ts'
import type { ProductAlerts } from '#server/queries/get-product-alerts.ts'
import { AlertLedger } from '../alert-ledger.tsx'
import { SlackText } from '../slack-text.tsx'

const deliveryLabels = {
  pending: 'pending',
  recorded_only: 'recorded only (no process can send to Slack)',
  sent: 'sent',
  failed: 'failed',
  not_sent_no_token: 'not sent (no Slack token)',
} as const

/** A product's alert history: its ledger per rule and destination, then incidents (open first) and the messages sent. */
export function AlertsPanel({ alerts, now }: { alerts: ProductAlerts; now: Date }) {
  const open = alerts.incidents.filter((i) => i.status === 'open').length
  return (
    <section className="card panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title" className="panel__title">
        Alerts{' '}
        {open > 0 ? (
          <span className="status" data-status="failed">
            {open} open
          </span>
        ) : null}
      </h2>
      {alerts.incidents.length === 0 && alerts.notifications.length === 0 ? (
        <p className="muted">No alert has fired for this product.</p>
      ) : (
        <>
          <h3 className="panel__subtitle" id="ledger-title">
            Ledger <span className="muted">· last {defaultLedgerDays} days</span>
          </h3>
          {alerts.ledger.length === 0 ? (
            <p className="muted">No incident and no message in the last {defaultLedgerDays} days.</p>
          ) : (
            <AlertLedger lines={alerts.ledger} days={defaultLedgerDays} showProduct={false} />
          )}
          <h3 className="panel__subtitle">Incidents</h3>
          <ul className="history">
            {alerts.incidents.map((incident) => (
              <li key={incident.id} className="history__item">
                <span className="status" data-status={incident.status === 'open' ? 'failed' : 'succeeded'}>
                  {incident.status === 'open' ? (incident.ackedAt ? 'acked' : 'open') : 'resolved'}
                </span>
                <span className="history__what">
                  {incident.title}
                  <span className="muted">
                    {' '}
                    · <code>{incident.ruleKey}</code> · {incident.severity} · fired {incident.fireCount}×
                  </span>
                </span>
                <time
                  className="muted"
                  dateTime={incident.openedAt.toISOString()}
                  title={formatInstant(incident.openedAt)}
                >
                  {timeAgo(incident.openedAt, now)}
                </time>
              </li>
            ))}
          </ul>
          {alerts.notifications.length > 0 ? (
            <>
              <h3 className="panel__subtitle">Messages</h3>
              <ul className="history">
                {alerts.notifications.map((n) => (
                  <li key={n.id} className="history__item">
                    <span className="tag">{n.kind.replace('_', ' ')}</span>
                    <span className="history__what">
                      <SlackText text={n.text} />
                      <span className="muted">
                        {' '}
                        · to <code>{n.destination}</code> ·{' '}
                        {
                          deliveryLabels[
                            n.status === 'pending' && !alerts.canSend ? 'recorded_only' : n.status
                          ]
                        }
                      </span>
                    </span>
                    <time
                      className="muted"
                      dateTime={n.createdAt.toISOString()}
                      title={formatInstant(n.createdAt)}
                    >
                      {timeAgo(n.createdAt, now)}
                    </time>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <p className="panel__footnote">
            <Link href={'/alerts' as Route}>All alerts</Link>
          </p>
        </>
      )}
    </section>
  )
}
