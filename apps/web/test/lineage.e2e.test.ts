import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { closePage, launchChromium, openPage, screenshotFromTop } from './support/browser.ts'
import { deployLineageFixture, failActivityRun } from './support/lineage-fixture.ts'
import { ensureNextBuild, type NextServer, startNextServer, webDir } from './support/next-app.ts'

/**
 * The lineage page in a browser, without JavaScript (it is static SVG and links): the graph with
 * its colours and marks, a click through to the product page and its Lineage panel, and the
 * graph narrowed to one product. Screenshots go to apps/web/test-output/.
 */
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

describe.each(testBackends.filter((b) => b.name === 'postgres'))('the lineage page on $name', (backend) => {
  let database: TestDatabase
  let server: NextServer | undefined
  beforeAll(async () => {
    database = await backend.open()
    await migrateToLatest(database.db)
    await deployLineageFixture(database.db)
    await failActivityRun(database.db)
    server = await startNextServer({
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      STEWARD_QUEUE_PREFIX: `{steward-lineage-test-${process.pid}}`,
    })
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
    await database?.dispose()
  })

  test('draws the graph coloured by status, marks the funnel, and links to the product page', async () => {
    const { page, status } = await openPage(browser, `${server?.url}/lineage`, { javaScript: false })
    try {
      expect(status).toBe(200)
      await expect(page.locator('nav[aria-label="Main"] a', { hasText: 'Lineage' }).count()).resolves.toBe(1)
      const nodes = page.locator('svg .lineage__node')
      await expect(nodes.count()).resolves.toBe(10)
      await expect(
        page.locator('.lineage__node[data-kind="pipeline"][data-lineage-status="failing"]').count(),
      ).resolves.toBe(1)
      const funnel = page.locator('a[href="/products/weekly-signup-funnel"]').first()
      await expect(funnel.getAttribute('aria-label')).resolves.toContain(
        'upstream problem: pipeline app-activity.daily failing',
      )
      await expect(page.locator('.lineage__problems').innerText()).resolves.toContain(
        'Weekly signup <funnel>',
      )
      await screenshotFromTop(page, join(shots, 'lineage.png'))

      await funnel.click()
      await page.waitForURL('**/products/weekly-signup-funnel')
      const panel = page.locator('section[aria-labelledby="lineage-title"]')
      await expect(panel.innerText()).resolves.toContain('App activity counts')
      await panel.locator('a', { hasText: 'Show the lineage graph' }).click()
      await page.waitForURL('**/lineage?product=weekly-signup-funnel')
      await expect(page.locator('h2#lineage-title').innerText()).resolves.toContain(
        'Lineage of Weekly signup',
      )
      // Churn scoring shares nothing with the funnel.
      await expect(page.locator('a[href="/products/churn-scores"]').count()).resolves.toBe(0)
      await expect(page.locator('a[href="/pipelines/app-activity.daily"]').count()).resolves.toBe(1)
    } finally {
      await closePage(page)
    }
  })
})
