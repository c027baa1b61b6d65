import { randomUUID } from 'node:crypto'
import { seedProduct } from '@steward/alerts/testing'
import { json, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AlertsPanel } from '../src/components/product/alerts-panel.tsx'
import { getProductAlerts } from '../src/server/queries/get-product-alerts.ts'
import { openRouteApp, type RouteApp } from './support/route-app.ts'

/**
 * The alert ledger where people read it: the product page's alerts panel (the query it reads,
 * rendered on the server) and `GET /api/v1/alerts/ledger`. The figures themselves are tested in
 * @steward/alerts (alert-ledger.test.ts); here, that they reach the page and the API.
 */
const minute = 60_000

describe.each(testBackends)('the alert ledger on the product page and in the API on $name', (backend) => {
  let database: TestDatabase
  let app: RouteApp
  const now = new Date()
  const ago = (minutes: number) => new Date(now.getTime() - minutes * minute)

  beforeAll(async () => {
    database = await backend.open()
    await migrateToLatest(database.db)
    await seedProduct(database.db, { id: 'orders' })
    // Three volume incidents that each cleared within 5 minutes, nobody acting: a rule to tune.
    // One failure acknowledged after 8 minutes, resolved after 20.
    const incidents = [
      { rule: 'product:orders:volume', opened: 300, acked: null, resolved: 2 },
      { rule: 'product:orders:volume', opened: 200, acked: null, resolved: 4 },
      { rule: 'product:orders:volume', opened: 100, acked: null, resolved: 5 },
      { rule: 'pipeline:orders.load:failure', opened: 90, acked: 8, resolved: 20 },
    ]
    for (const incident of incidents) {
      const id = randomUUID()
      const opened = ago(incident.opened)
      const after = (m: number | null) => (m === null ? null : new Date(opened.getTime() + m * minute))
      await database.db
        .insertInto('incidents')
        .values({
          id,
          rule_key: incident.rule,
          rule_kind: 'volume',
          subject_key: id,
          product_id: 'orders',
          severity: 'warning',
          title: 'seeded',
          destinations: ['#orders'],
          status: 'resolved',
          opened_at: opened,
          last_fired_at: opened,
          resolved_at: after(incident.resolved),
          resolved_reason: 'recovered',
          acked_at: after(incident.acked),
          acked_by: incident.acked === null ? null : 'ana',
        })
        .execute()
      for (const kind of ['first', 'resolved'] as const)
        await database.db
          .insertInto('notifications')
          .values({
            destination: '#orders',
            product_id: 'orders',
            rule_key: incident.rule,
            incident_id: id,
            kind,
            payload: json({ text: 'seeded', blocks: [] }),
            status: 'sent',
            created_at: opened,
          })
          .execute()
    }
    app = await openRouteApp(database)
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await database?.dispose()
  })

  test('the product page shows the ledger per rule with the tune badge', async () => {
    const alerts = await getProductAlerts(database.db, 'orders', { now })
    const html = renderToStaticMarkup(createElement(AlertsPanel, { alerts, now }))
    const rows = [...html.matchAll(/<tr( data-tune="true")?>(.*?)<\/tr>/g)].slice(1)
    const cells = rows.map(([, tune, row]) => [
      Boolean(tune),
      ...[...(row ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) =>
        (cell ?? '').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<'),
      ),
    ])
    expect(cells).toEqual([
      // volume: 6 sent, 3 incidents, all flapped → noise 6; resolved after 2, 4, 5 min → 4
      [true, 'product:orders:volume tune', '#orders', '6', '3', '0', '—', '4 min', '100%', '6'],
      [false, 'pipeline:orders.load:failure', '#orders', '2', '1', '0', '8 min', '20 min', '0%', '0'],
    ])
    expect(html).toContain('Ledger')
  })

  test('GET /api/v1/alerts/ledger answers the lines, a product, a window, and refuses bad input', async () => {
    const all = await app.call('/api/v1/alerts/ledger')
    expect(all.status).toBe(200)
    const body = (await all.json()) as { days: number; lines: Record<string, unknown>[] }
    expect(body.days).toBe(30)
    expect(body.lines[0]).toEqual({
      productId: 'orders',
      productName: 'orders',
      ruleKey: 'product:orders:volume',
      destination: '#orders',
      notifications: 6,
      sent: 6,
      incidents: 3,
      open: 0,
      medianAckMinutes: null,
      medianResolveMinutes: 4,
      flapping: 3,
      flappingShare: 1,
      noiseScore: 6,
      tuneCandidate: true,
    })
    expect(body.lines[1]).toMatchObject({ ruleKey: 'pipeline:orders.load:failure', medianAckMinutes: 8 })

    // One day back still holds both rules (opened up to five hours ago).
    const hour = await app.call('/api/v1/alerts/ledger?product=orders&days=1')
    expect(((await hour.json()) as { lines: unknown[] }).lines).toHaveLength(2)

    const unknown = await app.call('/api/v1/alerts/ledger?product=nope')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({
      error: { code: 'PRODUCT_NOT_FOUND', message: 'no product "nope" is deployed' },
    })
    for (const query of [
      'days=0',
      'days=1.5',
      'days=abc',
      'days=9999',
      'product=a%00b',
      `product=${'x'.repeat(201)}`,
    ]) {
      const response = await app.call(`/api/v1/alerts/ledger?${query}`)
      expect(response.status, query).toBe(400)
      expect(((await response.json()) as { error: { code: string } }).error.code, query).toBe('QUERY_INVALID')
    }
  })
})
