import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import type { ProductAlerts } from '#server/queries/get-product-alerts.ts'
import { AlertsPanel } from './alerts-panel.tsx'

const now = new Date('2026-11-20T12:00:00Z')
const alerts = (refused: ProductAlerts['refused']): ProductAlerts => ({
  incidents: [],
  notifications: [],
  ledger: [],
  canSend: true,
  refused,
})

describe('the product page’s alerts panel', () => {
  test('names each destination Slack refuses, why, since when, and the fix', () => {
    const html = renderToStaticMarkup(
      createElement(AlertsPanel, {
        alerts: alerts([
          {
            destination: '#sales-gone',
            reason: 'channel_not_found',
            since: new Date('2026-11-20T11:00:00Z'),
          },
          { destination: '#sales-data', reason: 'not_in_channel', since: new Date('2026-11-20T10:00:00Z') },
        ]),
        now,
      }),
    )
    expect(html).toContain('Slack refuses destinations of this product')
    expect(html).toContain('<code>#sales-gone</code>: <code>channel_not_found</code> since')
    expect(html).toContain('fix the destination in the definitions or invite the Steward app to the channel')
    expect(html).toContain('invite the Steward app to the channel.')
  })
  test('says nothing of it when Slack refuses none', () => {
    const html = renderToStaticMarkup(createElement(AlertsPanel, { alerts: alerts([]), now }))
    expect(html).not.toContain('Slack refuses')
  })
})
