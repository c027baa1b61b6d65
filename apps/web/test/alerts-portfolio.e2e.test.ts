import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { renderFirst } from '@steward/alerts'
import { json, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { ingestEvents } from '@steward/usage'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  closePage,
  launchChromium,
  openPage,
  type PageOptions,
  screenshotFromTop,
} from './support/browser.ts'
import { ensureNextBuild, type NextServer, startNextServer, webDir } from './support/next-app.ts'
import { seedCatalog, seeded } from './support/seed-catalog.ts'

/**
 * The alerts and portfolio pages in Chromium against the built app: open incidents with their
 * Slack notifications (sent, recorded without a token, failed), acknowledge with and without
 * client JavaScript, snooze, filters in the URL, the usage-against-cost chart with every product
 * and the zombie list. Screenshots (light, dark, phone) go to apps/web/test-output/.
 */
const shots = join(webDir, 'test-output')
const backend =
  testBackends.find((b) => b.name === 'postgres') ?? testBackends.find((b) => b.name === 'pglite')
let browser: Browser
let database: TestDatabase | undefined
let server: NextServer | undefined

const zombie = { id: 'old-revenue-feed', name: 'Old revenue feed', team: 'finance-data' }
const incidents = {
  churn: randomUUID(),
  funnel: randomUUID(),
  zombie: randomUUID(),
  resolved: randomUUID(),
}

beforeAll(async () => {
  await ensureNextBuild()
  await mkdir(shots, { recursive: true })
  browser = await launchChromium()
  database = await backend?.open()
  if (!database) throw new Error('no test database backend')
  await migrateToLatest(database.db)
  await seed(database)
  server = await startNextServer({ DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379' })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await database?.dispose()
})

async function seed({ db }: TestDatabase): Promise<void> {
  await seedCatalog(db)
  const longAgo = new Date(Date.now() - 90 * 86_400_000)
  await db
    .insertInto('products')
    .values({
      id: zombie.id,
      name: zombie.name,
      owners: json([{ team: zombie.team, slack: '#finance-data' }]),
      stakeholders: json([]),
      links: json([]),
      tier: 'bronze',
      definition_hash: 'h-zombie',
      created_at: longAgo,
    })
    .execute()
  // Old enough to be judged, and used: not zombies.
  await db
    .updateTable('products')
    .set({ created_at: longAgo })
    .where('id', 'in', [seeded.funnel.id, seeded.churn.id])
    .execute()
  const day = 86_400_000
  const events = [
    ...['ana', 'ben', 'chloe'].map((actor, i) => ({
      product: seeded.funnel.id,
      kind: 'view',
      actor,
      at: new Date(Date.now() - (i + 1) * day).toISOString(),
    })),
    { product: seeded.churn.id, kind: 'query', actor: 'dana', at: new Date(Date.now() - day).toISOString() },
    // The zombie was used once, long ago.
    { product: zombie.id, kind: 'view', actor: 'ana', at: new Date(Date.now() - 60 * day).toISOString() },
  ]
  const ingested = await ingestEvents(db, events, { salt: 'alerts-portfolio-test-salt', origin: 'test' })
  expect(ingested.rejected).toEqual([])
  const cost = (productId: string, usd: number) => ({
    product_id: productId,
    kind: 'reported' as const,
    item: 'warehouse scan',
    usd,
    at: new Date(Date.now() - 2 * day),
  })
  await db
    .insertInto('cost_entries')
    .values([cost(seeded.funnel.id, 12.5), cost(seeded.churn.id, 480), cost(zombie.id, 73.25)])
    .execute()

  const now = Date.now()
  const incident = (
    id: string,
    productId: string,
    title: string,
    severity: string,
    status: 'open' | 'resolved',
    openedMinutesAgo: number,
  ) => ({
    id,
    rule_key: `product:${productId}:freshness`,
    rule_kind: 'freshness',
    subject_key: `product:${productId}`,
    product_id: productId,
    severity,
    title,
    detail: `No successful run of ${productId} within its promise.`,
    destinations: ['#data-alerts'],
    status,
    fire_count: 2,
    opened_at: new Date(now - openedMinutesAgo * 60_000),
    last_fired_at: new Date(now - 5 * 60_000),
    resolved_at: status === 'resolved' ? new Date(now - 60_000) : null,
    resolved_reason: status === 'resolved' ? 'a run succeeded' : null,
  })
  const rows = [
    incident(incidents.churn, seeded.churn.id, 'Churn risk scores is stale', 'critical', 'open', 90),
    incident(incidents.funnel, seeded.funnel.id, 'Weekly signup funnel is stale', 'warning', 'open', 45),
    incident(incidents.zombie, zombie.id, 'Old revenue feed is stale', 'critical', 'open', 30),
    incident(
      incidents.resolved,
      seeded.funnel.id,
      'Weekly signup funnel build failed',
      'critical',
      'resolved',
      600,
    ),
  ]
  await db.insertInto('incidents').values(rows).execute()
  const view = (row: (typeof rows)[number]) => ({
    id: row.id,
    title: row.title,
    detail: row.detail,
    severity: row.severity,
    status: row.status,
    runbook: 'https://wiki.example.com/stale',
    fire_count: row.fire_count,
    acked_by: null,
    product_id: row.product_id,
  })
  const [churn, funnel, , resolved] = rows as [
    (typeof rows)[number],
    (typeof rows)[number],
    (typeof rows)[number],
    (typeof rows)[number],
  ]
  const note = (row: (typeof rows)[number], extra: Record<string, unknown>) => ({
    destination: '#data-alerts',
    product_id: row.product_id,
    rule_key: row.rule_key,
    incident_id: row.id,
    kind: 'first' as const,
    payload: json(renderFirst([view(row)])),
    status: 'sent' as const,
    created_at: row.opened_at,
    ...extra,
  })
  await db
    .insertInto('notifications')
    .values([
      note(churn, { status: 'not_sent_no_token' }),
      note(funnel, {
        status: 'sent',
        attempts: 1,
        slack_channel: 'C024BE91L',
        slack_ts: '1712345678.000100',
        sent_at: funnel.opened_at,
      }),
      note(resolved, { status: 'failed', attempts: 5, last_error: 'channel_not_found' }),
      note(resolved, {
        kind: 'resolved',
        status: 'pending',
        payload: json({
          text: `Resolved: ${resolved.title}`,
          blocks: [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: `:white_check_mark: Resolved: ${resolved.title}` },
            },
          ],
        }),
      }),
    ])
    .execute()
}

async function open(path: string, options: PageOptions = {}): Promise<Page> {
  const { page, status } = await openPage(browser, `${server?.url}${path}`, options)
  expect(status).toBe(200)
  return page
}

const shot = (page: Page, name: string) => screenshotFromTop(page, join(shots, `${name}.png`))

const close = closePage
const article = (page: Page, id: string) => page.locator(`#incident-${id}`)

async function incidentRow(id: string) {
  if (!database) throw new Error('no database')
  return database.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

describe('alerts page', () => {
  test('open incidents come first, most severe first, with their notifications and delivery status', async () => {
    const page = await open('/alerts')
    try {
      await expect(page.title()).resolves.toBe('Alerts · Steward')
      await expect(page.getByRole('link', { name: 'Alerts' }).getAttribute('aria-current')).resolves.toBe(
        'page',
      )
      const openIncidents = page.locator('section[aria-labelledby="open-title"] article.incident')
      const ids = await openIncidents.evaluateAll((nodes) => nodes.map((n) => n.id))
      // Critical before warning; among the critical, the most recently fired first (equal here: by order).
      expect(ids).toHaveLength(3)
      expect(ids.at(-1)).toBe(`incident-${incidents.funnel}`)
      const history = page.locator('section[aria-labelledby="history-title"] article.incident')
      await expect(history.evaluateAll((nodes) => nodes.map((n) => n.id))).resolves.toEqual([
        `incident-${incidents.resolved}`,
      ])

      const churn = article(page, incidents.churn)
      const facts = await churn.innerText()
      expect(facts).toContain('Churn risk scores is stale')
      expect(facts).toContain('Critical')
      expect(facts).toContain(`product:${seeded.churn.id}:freshness`)
      expect(facts).toContain('Unacknowledged')
      expect(facts).toContain('2 times')

      // Not sent without a token: the page shows what would have been posted.
      await churn.locator('details.notifications summary').click()
      const unsent = churn.locator('li.notification[data-delivery="not_sent_no_token"]')
      await expect(unsent.innerText()).resolves.toContain('Not sent: no Slack token')
      await expect(unsent.locator('blockquote').innerText()).resolves.toContain('Churn risk scores is stale')
      await expect(unsent.locator('.slack-message__button').allInnerTexts()).resolves.toEqual([
        'Acknowledge',
        'Snooze 1h',
      ])

      const funnel = article(page, incidents.funnel)
      await funnel.locator('details.notifications summary').click()
      const sent = await funnel.locator('li.notification[data-delivery="sent"]').innerText()
      expect(sent).toContain('C024BE91L')
      expect(sent).toContain('1712345678.000100')

      const resolved = article(page, incidents.resolved)
      await resolved.locator('details.notifications summary').click()
      await expect(resolved.locator('li[data-delivery="failed"]').innerText()).resolves.toContain(
        'channel_not_found',
      )
      // Pending, and no process can send to Slack here (none registered as a sender): recorded only.
      await expect(resolved.locator('li[data-delivery="recorded_only"]').innerText()).resolves.toContain(
        'Recorded only',
      )
      // Resolved incidents offer no actions.
      await expect(resolved.getByRole('button').count()).resolves.toBe(0)

      await shot(page, 'alerts')
      for (const variant of [
        { dark: true, name: 'alerts-dark' },
        { width: 390, name: 'alerts-phone' },
      ]) {
        const other = await open('/alerts', variant)
        await other
          .locator('details.notifications')
          .first()
          .evaluate((d) => {
            ;(d as HTMLDetailsElement).open = true
          })
        await shot(other, variant.name)
        await close(other)
      }
    } finally {
      await close(page)
    }
  })

  test('Acknowledge, with client JavaScript, marks the incident acknowledged', async () => {
    const page = await open('/alerts')
    try {
      await article(page, incidents.churn).getByRole('button', { name: 'Acknowledge' }).click()
      await page.waitForURL(/done=acked/)
      const churn = article(page, incidents.churn)
      await expect(churn.getAttribute('data-state')).resolves.toBe('acked')
      await expect(churn.innerText()).resolves.toContain('Acknowledged by local admin')
      await expect(churn.getByRole('button', { name: 'Acknowledge' }).count()).resolves.toBe(0)
      await expect(page.getByRole('status').innerText()).resolves.toContain('Acknowledged')
      const row = await incidentRow(incidents.churn)
      expect(row.acked_by).toBe('local admin')
      expect(row.acked_at).not.toBeNull()
    } finally {
      await close(page)
    }
  })

  test('Acknowledge works without JavaScript (a plain form post) and keeps the filter', async () => {
    const page = await open(`/alerts?product=${seeded.funnel.id}`, { javaScript: false })
    try {
      await article(page, incidents.funnel).getByRole('button', { name: 'Acknowledge' }).click()
      await page.waitForURL(/done=acked/)
      expect(new URL(page.url()).searchParams.get('product')).toBe(seeded.funnel.id)
      await expect(article(page, incidents.funnel).getAttribute('data-state')).resolves.toBe('acked')
      expect((await incidentRow(incidents.funnel)).acked_by).toBe('local admin')
    } finally {
      await close(page)
    }
  })

  test('Snooze 4h snoozes until four hours from now, without JavaScript too', async () => {
    const page = await open('/alerts', { javaScript: false })
    try {
      const before = Date.now()
      await article(page, incidents.zombie).getByRole('button', { name: 'Snooze 4 hours' }).click()
      await page.waitForURL(/done=snoozed/)
      const zombieIncident = article(page, incidents.zombie)
      await expect(zombieIncident.getAttribute('data-state')).resolves.toBe('snoozed')
      await expect(zombieIncident.innerText()).resolves.toContain('Snoozed until')
      const row = await incidentRow(incidents.zombie)
      expect(row.snoozed_by).toBe('local admin')
      const until = row.snoozed_until?.getTime() ?? 0
      expect(until).toBeGreaterThanOrEqual(before + 4 * 3_600_000 - 1_000)
      expect(until).toBeLessThanOrEqual(Date.now() + 4 * 3_600_000 + 1_000)
    } finally {
      await close(page)
    }
  })

  test('filters by product and status through the query string, and the filter form writes it', async () => {
    const page = await open(`/alerts?product=${seeded.churn.id}&status=open`)
    try {
      const ids = await page.locator('article.incident').evaluateAll((nodes) => nodes.map((n) => n.id))
      expect(ids).toEqual([`incident-${incidents.churn}`])
      await expect(page.locator('#history-title').count()).resolves.toBe(0)
    } finally {
      await close(page)
    }
    const form = await open('/alerts', { javaScript: false })
    try {
      await form.getByLabel('Product').fill(seeded.funnel.id)
      await form.getByLabel('Status').selectOption('resolved')
      await form.getByRole('button', { name: 'Filter' }).click()
      await form.waitForURL(/status=resolved/)
      const query = new URL(form.url()).searchParams
      expect(query.get('product')).toBe(seeded.funnel.id)
      const ids = await form.locator('article.incident').evaluateAll((nodes) => nodes.map((n) => n.id))
      expect(ids).toEqual([`incident-${incidents.resolved}`])
    } finally {
      await close(form)
    }
  })
})

describe('portfolio page', () => {
  test('plots every live product, lists the zombie with its owners and cost, and has a table', async () => {
    const page = await open('/portfolio')
    try {
      await expect(page.title()).resolves.toBe('Portfolio · Steward')
      // A dot per product, each naming its product under the pointer; the zombie's is marked.
      const dots = page.locator('.scatter__points circle')
      await expect(dots.count()).resolves.toBe(3)
      const named: (string | null)[] = []
      for (let i = 0; i < 3; i++) named.push(await hoverDot(page, dots.nth(i)))
      expect(named.sort()).toEqual([seeded.churn.id, zombie.id, seeded.funnel.id].sort())
      await expect(hoverDot(page, page.locator('.scatter__points circle[data-zombie="true"]'))).resolves.toBe(
        zombie.id,
      )
      const tip = await page.locator('.scatter__tip').textContent()
      expect(tip).toContain(zombie.name)
      expect(tip).toContain('0 unique users')
      await shot(page, 'portfolio-hover')
      await page.mouse.move(0, 0)
      await expect(
        page.getByRole('img', { name: /Cost against unique users over 30 days for 3 products/ }).count(),
      ).resolves.toBe(1)

      const zombies = page.locator('section[aria-labelledby="zombies-title"] tbody tr')
      await expect(zombies.count()).resolves.toBe(1)
      const row = await zombies.innerText()
      expect(row).toContain(zombie.name)
      expect(row).toContain(zombie.team)
      expect(row).toContain('$73.25')

      const table = page.locator('.portfolio-table tbody tr')
      await expect(table.count()).resolves.toBe(3)
      // Most expensive first; the funnel: 3 users, $12.50, so $4.17 a user.
      await expect(table.first().innerText()).resolves.toContain(seeded.churn.name)
      const funnel = table.filter({ hasText: seeded.funnel.name })
      await expect(funnel.locator('td[data-label="Users"]').innerText()).resolves.toBe('3')
      await expect(funnel.locator('td[data-label="Cost / user"]').innerText()).resolves.toBe('$4.17')

      await shot(page, 'portfolio')
      for (const variant of [
        { dark: true, name: 'portfolio-dark' },
        { width: 390, name: 'portfolio-phone' },
      ]) {
        const other = await open('/portfolio', variant)
        await shot(other, variant.name)
        await close(other)
      }

      // A click on a dot opens its product.
      await page.locator('.scatter__points circle[data-zombie="true"]').click()
      await page.waitForURL(`**/products/${zombie.id}`)
    } finally {
      await close(page)
    }
  })

  test('the usage switch plots events instead of users, as a link', async () => {
    const page = await open('/portfolio', { javaScript: false })
    try {
      await page.getByRole('link', { name: 'Events' }).click()
      await page.waitForURL(/usage=events/)
      await expect(page.getByRole('link', { name: 'Events' }).getAttribute('aria-current')).resolves.toBe(
        'true',
      )
      await expect(page.getByRole('img', { name: /Cost against events/ }).count()).resolves.toBe(1)
    } finally {
      await close(page)
    }
  })
})

/** Hovers a dot of the portfolio chart until the page is hydrated and names it; answers the product. */
async function hoverDot(page: Page, dot: Locator): Promise<string | null> {
  const deadline = Date.now() + 10_000
  for (;;) {
    await dot.hover()
    const tip = page.locator('.scatter__tip')
    if ((await tip.count()) > 0) return tip.getAttribute('data-product')
    if (Date.now() > deadline) throw new Error('hovering a dot of the portfolio chart showed no tooltip')
    await page.mouse.move(0, 0)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('alerts page with no incident', () => {
  test('explains where alerts come from and how to declare a rule', async () => {
    if (!database) throw new Error('no database')
    await database.db.deleteFrom('notifications').execute()
    await database.db.deleteFrom('incidents').execute()
    const page = await open('/alerts')
    try {
      await expect(page.getByRole('heading', { name: 'No alerts yet' }).count()).resolves.toBe(1)
      const body = await page.locator('main').innerText()
      expect(body).toContain('docs/recipes/add-an-alert-rule.md')
      expect(body).toContain('onFailure()')
      await shot(page, 'alerts-empty')
    } finally {
      await close(page)
    }
  })
})
