import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from './support/browser.ts'
import { ensureNextBuild, type NextServer, startNextServer, webDir } from './support/next-app.ts'
import { seedActivity, testUsageSalt } from './support/seed-activity.ts'
import { seedCatalog, seeded } from './support/seed-catalog.ts'

/**
 * The catalog's search, filters, sort and pages through the query string (with and without
 * JavaScript), and the product page: docs, usage granularity, cost, alerts, consumers, 404.
 * Screenshots go to apps/web/test-output/ (git-ignored) to be looked at.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const shots = join(webDir, 'test-output')
let browser: Browser

beforeAll(async () => {
  await ensureNextBuild()
  browser = await launchChromium()
  await mkdir(shots, { recursive: true })
}, 240_000)

afterAll(async () => {
  await browser?.close()
})

const rowNames = (page: Page) => page.locator('tbody tr .product__name').allInnerTexts()

for (const backend of testBackends) {
  describe(`catalog and product pages on ${backend.name}`, () => {
    let database: TestDatabase | undefined
    let server: NextServer | undefined
    let noJs: BrowserContext
    let withJs: BrowserContext

    beforeAll(async () => {
      database = await backend.open()
      await migrateToLatest(database.db)
      await seedCatalog(database.db)
      await seedActivity(database.db)
      server = await startNextServer({
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        STEWARD_USAGE_SALT: testUsageSalt,
        STEWARD_QUEUE_PREFIX: `{steward-catalog-product-test-${process.pid}}`,
      })
      noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } })
      withJs = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    }, 120_000)

    afterAll(async () => {
      await noJs?.close()
      await withJs?.close()
      await server?.stop()
      await database?.dispose()
    })

    test('shows status, freshness, 30-day use with a sparkline, cost and alerts per product', async () => {
      const page = await withJs.newPage()
      try {
        await page.goto(`${server?.url}/`)
        const row = (name: string) => page.locator('tbody tr').filter({ hasText: name })
        const cell = (name: string, label: string) =>
          row(name).locator(`td[data-label="${label}"]`).innerText()
        await expect(cell(seeded.funnel.name, 'Status')).resolves.toContain('Healthy')
        await expect(cell(seeded.churn.name, 'Status')).resolves.toContain('Failing')
        await expect(cell('Ops cost cube', 'Status')).resolves.toContain('Stale')
        await expect(cell(seeded.funnel.name, 'Freshness')).resolves.toContain('1 h ago')
        await expect(cell('Ops cost cube', 'Freshness')).resolves.toContain('never')
        // 5 analysts and the BI service in 30 days; 5 views a day for 7 days, 3 for the other 23.
        await expect(cell(seeded.funnel.name, 'Users (30 d)')).resolves.toBe('6')
        await expect(cell(seeded.funnel.name, 'Views (30 d)')).resolves.toBe(String(7 * 5 + 23 * 3))
        await expect(cell(seeded.funnel.name, 'Cost (30 d)')).resolves.toContain(`$${5 * 12.5 + 25 * 4}`)
        await expect(cell(seeded.churn.name, 'Alerts (30 d)')).resolves.toBe('2')
        const spark = row(seeded.funnel.name).locator('svg.sparkline')
        await expect(spark.getAttribute('aria-label')).resolves.toContain('104 in all')
        await expect(spark.locator('path.sparkline__line').getAttribute('d')).resolves.toMatch(/^M0 /)
        // Every column fits a laptop's width: none hides behind the card's edge.
        const overflow = await page
          .locator('.catalog-table')
          .evaluate((card) => card.scrollWidth - card.clientWidth)
        expect(overflow).toBeLessThanOrEqual(0)
        await page.screenshot({ path: join(shots, `catalog-${backend.name}.png`), fullPage: true })
      } finally {
        await page.close()
      }
    })

    test('search, filters and sort round-trip through the URL with JavaScript off', async () => {
      const page = await noJs.newPage()
      try {
        await page.goto(`${server?.url}/`)
        await expect(rowNames(page)).resolves.toEqual([
          seeded.churn.name,
          'Ops cost cube',
          seeded.funnel.name,
        ])
        await page.getByLabel('Search').fill('signup')
        await page.getByRole('button', { name: 'Apply' }).click()
        await page.waitForURL(/q=signup/)
        await expect(rowNames(page)).resolves.toEqual([seeded.funnel.name])

        await page.goto(`${server?.url}/`)
        await page.getByLabel('Tier').selectOption('gold')
        await page.getByLabel('Status').selectOption('healthy')
        await page.getByRole('button', { name: 'Apply' }).click()
        await page.waitForURL(/tier=gold/)
        expect(new URL(page.url()).searchParams.get('status')).toBe('healthy')
        await expect(rowNames(page)).resolves.toEqual([seeded.funnel.name])
        await page.getByRole('link', { name: 'Clear' }).click()
        await page.waitForURL(`${server?.url}/`)

        // Headers are links: views biggest first, then the other way.
        await page.getByRole('columnheader', { name: /Views/ }).getByRole('link').click()
        await page.waitForURL(/sort=views/)
        await expect(rowNames(page)).resolves.toEqual([
          seeded.funnel.name,
          seeded.churn.name,
          'Ops cost cube',
        ])
        await expect(
          page.getByRole('columnheader', { name: /Views/ }).getAttribute('aria-sort'),
        ).resolves.toBe('descending')
        await page.getByRole('columnheader', { name: /Views/ }).getByRole('link').click()
        await page.waitForURL(/dir=asc/)
        // Ties (no views) keep name order both ways.
        await expect(rowNames(page)).resolves.toEqual([
          seeded.churn.name,
          'Ops cost cube',
          seeded.funnel.name,
        ])

        // The shared link gives the same view, and the form shows the state it came from.
        const shared = await noJs.newPage()
        await shared.goto(`${server?.url}/?owner=ml-platform&tag=crm&sort=alerts`)
        await expect(rowNames(shared)).resolves.toEqual([seeded.churn.name])
        await expect(shared.getByLabel('Owner').inputValue()).resolves.toBe('ml-platform')
        await expect(shared.getByLabel('Sort by').inputValue()).resolves.toBe('alerts')
        await shared.goto(`${server?.url}/?q=nothing-like-this`)
        await expect(shared.getByRole('heading', { name: 'No product matches' }).count()).resolves.toBe(1)
        await shared.close()
      } finally {
        await page.close()
      }
    })

    test('with JavaScript, changing a filter submits it at once', async () => {
      const page = await withJs.newPage()
      try {
        await page.goto(`${server?.url}/`)
        await page.getByLabel('Status').selectOption('failing')
        await page.waitForURL(/status=failing/)
        await expect(rowNames(page)).resolves.toEqual([seeded.churn.name])
      } finally {
        await page.close()
      }
    })

    test('the product page renders GFM docs safely, and the granularity switch changes the series', async () => {
      const page = await noJs.newPage()
      try {
        const response = await page.goto(`${server?.url}/products/${seeded.funnel.id}`)
        expect(response?.status()).toBe(200)
        const docs = page.locator('.markdown')
        await expect(docs.locator('table th').allInnerTexts()).resolves.toEqual(['stage', 'metric', 'target'])
        await expect(docs.locator('table td').first().innerText()).resolves.toBe('visit')
        await expect(docs.locator('input[type="checkbox"]').count()).resolves.toBe(2)
        await expect(docs.locator('a[href="https://example.com/growth"]').count()).resolves.toBe(1)
        await expect(docs.locator('script').count()).resolves.toBe(0)
        await expect(docs.innerText()).resolves.toContain("<script>alert('no')</script>")

        const usageRows = () =>
          page.locator('section[aria-labelledby="usage-title"] .chart__table tbody th').allTextContents()
        const daily = await usageRows()
        expect(daily).toHaveLength(30)
        expect(daily[0]).toMatch(/^[A-Z][a-z]{2} \d+, \d{4}$/)
        await page
          .getByRole('navigation', { name: 'Granularity' })
          .getByRole('link', { name: 'Week' })
          .click()
        await page.waitForURL(/granularity=week/)
        const weekly = await usageRows()
        expect(weekly).toHaveLength(12)
        expect(weekly[0]).toMatch(/^Week of /)
        await expect(
          page.getByRole('navigation', { name: 'Granularity' }).locator('[aria-current="page"]').innerText(),
        ).resolves.toBe('Week')
        await page
          .getByRole('navigation', { name: 'Granularity' })
          .getByRole('link', { name: 'Month' })
          .click()
        await page.waitForURL(/granularity=month/)
        await expect(usageRows()).resolves.toHaveLength(12)
        // The cost chart follows, with the budget line, and the month's forecast is named.
        await expect(page.locator('.chart__budget').count()).resolves.toBe(1)
        await expect(page.locator('dl[aria-label="This month\'s cost"]').innerText()).resolves.toContain(
          'month-end forecast',
        )
        // Stakeholders with their Slack destination, and consumers as hashes.
        await expect(
          page.locator('section[aria-labelledby="stakeholders-title"]').innerText(),
        ).resolves.toContain('#growth')
        await expect(page.locator('.consumers li').count()).resolves.toBeGreaterThan(0)
      } finally {
        await page.close()
      }
    })

    test('the product page lists incidents and messages with the ledger per rule', async () => {
      const page = await noJs.newPage()
      try {
        await page.goto(`${server?.url}/products/${seeded.churn.id}`)
        const alerts = page.locator('section[aria-labelledby="alerts-title"]')
        const rule = alerts.locator('table.alert-rules tbody tr')
        await expect(rule.count()).resolves.toBe(1)
        // To, sent (of written), incidents, open, to ack, to resolve, flapping, noise.
        await expect(rule.locator('td').allInnerTexts()).resolves.toEqual([
          '#ml-platform',
          '0 of 2',
          '1',
          '1',
          '—',
          '—',
          '0%',
          '0',
        ])
        await expect(alerts.innerText()).resolves.toContain('churn.features failed')
        await expect(alerts.innerText()).resolves.toContain('not sent (no Slack token)')
      } finally {
        await page.close()
      }
    })

    test('an owner names a hashed top consumer after its team, without JavaScript', async () => {
      const page = await noJs.newPage()
      try {
        await page.goto(`${server?.url}/products/${seeded.funnel.id}`)
        const first = page.locator('.consumers__item').first()
        await first.locator('summary').click()
        await first.locator('input[name="label"]').fill('growth-analysts')
        await first.getByRole('button', { name: 'Save' }).click()
        await page.waitForURL(/consumer=labelled/)
        await expect(page.locator('.consumers__item .consumers__who').first().innerText()).resolves.toBe(
          'growth-analysts',
        )
        const stored = await database?.db.selectFrom('actor_labels').select('label').execute()
        expect(stored).toEqual([{ label: 'growth-analysts' }])
      } finally {
        await page.close()
      }
    })

    test('the product page draws a metric per host and flags the one that went quiet', async () => {
      const page = await noJs.newPage()
      try {
        await page.goto(`${server?.url}/products/${seeded.churn.id}`)
        const panel = page.locator('section[aria-labelledby="sources-title"]')
        await expect(panel.locator('figcaption').innerText()).resolves.toContain('quiet: host web-3')
        await expect(panel.locator('tbody th').allInnerTexts()).resolves.toEqual([
          'web-1',
          'web-2',
          'web-3quiet',
        ])
        await expect(panel.locator('tbody tr[data-status="failed"] td.numeric').innerText()).resolves.toBe(
          '0',
        )
      } finally {
        await page.close()
      }
    })

    test('an unknown product answers 404 with a way back', async () => {
      // The server's HTML already says it, for readers without JavaScript.
      const html = await (await fetch(`${server?.url}/products/no-such-product`)).text()
      expect(html).toContain('No such product')
      const page = await withJs.newPage()
      try {
        const response = await page.goto(`${server?.url}/products/no-such-product`)
        expect(response?.status()).toBe(404)
        await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('No such product')
        await expect(page.getByRole('link', { name: 'Go to the catalog' }).count()).resolves.toBe(1)
      } finally {
        await page.close()
      }
    })

    test('screenshots: phone width and dark mode, nothing wider than the screen', async () => {
      for (const [name, path, options] of [
        ['catalog-phone', '/', { width: 390, dark: false }],
        ['catalog-dark', '/?sort=views', { width: 1280, dark: true }],
        ['product', `/products/${seeded.funnel.id}`, { width: 1280, dark: false }],
        ['product-dark', `/products/${seeded.funnel.id}?granularity=week`, { width: 1280, dark: true }],
        ['product-phone', `/products/${seeded.funnel.id}?granularity=month`, { width: 390, dark: true }],
        ['product-alerts', `/products/${seeded.churn.id}`, { width: 1280, dark: false }],
      ] as const) {
        const page = await browser.newPage({
          viewport: { width: options.width, height: 800 },
          colorScheme: options.dark ? 'dark' : 'light',
        })
        try {
          const response = await page.goto(`${server?.url}${path}`)
          expect(response?.status()).toBe(200)
          // Nothing wider than the screen at phone width: the page must not scroll sideways.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
          expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0)
          await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
        } finally {
          await page.close()
        }
      }
    })
  })
}
