import { renderFirst } from '@steward/alerts'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { NotificationList } from '../components/notification-list.tsx'
import type { IncidentNotification } from '../server/queries/list-incidents.ts'

const notification = (
  status: IncidentNotification['status'],
  extra: Partial<IncidentNotification> = {},
): IncidentNotification => ({
  id: '1',
  kind: 'first',
  destination: 'webhook:ops-alerts',
  status,
  payload: renderFirst([
    {
      id: '7d9c1a52-0000-4000-8000-000000000001',
      title: 'churn.score failed',
      detail: '',
      severity: 'critical',
      status: 'open',
      runbook: null,
      fire_count: 1,
      acked_by: null,
      product_id: 'churn',
    },
  ]),
  attempts: 0,
  lastError: null,
  slackChannel: null,
  slackTs: null,
  threadTs: null,
  createdAt: new Date('2026-11-05T10:00:00Z'),
  sentAt: null,
  ...extra,
})

const html = (n: IncidentNotification, canSend: boolean) =>
  renderToStaticMarkup(createElement(NotificationList, { notifications: [n], canSend }))

describe('a webhook, PagerDuty or e-mail notification on the alerts page', () => {
  test('is queued, not "recorded only", when no process can send to Slack: it has its own senders', () => {
    const shown = html(notification('pending'), false)
    expect(shown).toContain('data-delivery="pending"')
    expect(shown).not.toContain('No Steward process can send to Slack')
  })

  test('says where it was delivered, or what the receiver answered when it refused', () => {
    const sent = html(notification('sent', { sentAt: new Date('2026-11-05T10:00:01Z') }), true)
    expect(sent).toContain('Delivered to <code>webhook:ops-alerts</code>')
    expect(sent).not.toContain('Slack channel')
    const failed = html(
      notification('failed', { attempts: 1, lastError: 'webhook answered HTTP 400: <b>no</b>' }),
      true,
    )
    expect(failed).toContain('<code>webhook:ops-alerts</code> refused it after 1 try')
    expect(failed).toContain('webhook answered HTTP 400: &lt;b&gt;no&lt;/b&gt;')
  })
})
