import { renderFirst } from '@steward/alerts'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { NotificationList } from '../components/notification-list.tsx'
import type { IncidentNotification } from '../server/queries/list-incidents.ts'

const notification = (status: IncidentNotification['status']): IncidentNotification => ({
  id: '1',
  kind: 'first',
  destination: '#churn',
  status,
  payload: renderFirst([
    {
      id: '7d9c1a52-0000-4000-8000-000000000001',
      title: 'churn.score failed',
      detail:
        '`STEP_FAILED: bad header ˋ&lt;!channel&gt;ˋ`\n<https://steward.example.com/runs/7d9c1a52|Run 7d9c1a52>',
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
})

const html = (status: IncidentNotification['status'], canSend: boolean) =>
  renderToStaticMarkup(createElement(NotificationList, { notifications: [notification(status)], canSend }))

describe('a notification on the alerts page', () => {
  test('shows the message as Slack does: bold title, the error in code, the run as a link', () => {
    const shown = html('pending', true)
    expect(shown).toContain('<strong><span>churn.score failed</span></strong>')
    expect(shown).toContain('<code>STEP_FAILED: bad header ˋ&lt;!channel&gt;ˋ</code>')
    expect(shown).toContain(
      '<a href="https://steward.example.com/runs/7d9c1a52" rel="noreferrer nofollow">Run 7d9c1a52</a>',
    )
    expect(shown).not.toContain('`')
    expect(shown).not.toContain('|Run')
  })

  test('pending is queued while a process can send, recorded only while none can', () => {
    expect(html('pending', true)).toContain('data-delivery="pending"')
    expect(html('pending', true)).toContain('Queued')
    const recorded = html('pending', false)
    expect(recorded).toContain('data-delivery="recorded_only"')
    expect(recorded).toContain('Recorded only')
    expect(recorded).toContain('No Steward process can send to Slack now')
  })
})
