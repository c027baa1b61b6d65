import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { clearTestQueue, freePort, type RunningSteward, startSteward, tempHome } from '@steward/cli/testing'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from './support/browser.ts'
import { repoRoot, webDir } from './support/next-app.ts'

/**
 * The whole product as a new user meets it: `steward dev` with the example data products (embedded
 * database, the machine's Redis, `next dev`), driven in Chromium: the catalog filtered, a product's
 * usage by week, a pipeline run from its form watched to success on the run page, and an incident
 * (a malformed churn export) acknowledged on the alerts page. Screenshots in apps/web/test-output/.
 */
const shots = join(webDir, 'test-output')
let home: Awaited<ReturnType<typeof tempHome>>
let steward: RunningSteward | undefined
let browser: Browser
let base = ''

beforeAll(async () => {
  home = await tempHome()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  steward = startSteward(['dev', '--config', join(repoRoot, 'examples', 'steward.config.ts')], {
    STEWARD_HOME: home.path,
    PORT: String(port),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  })
  await steward.waitForOutput('press Ctrl-C', 240_000)
  browser = await launchChromium()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await steward?.kill()
  await clearTestQueue()
  await home?.dispose()
})

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  // next dev compiles a page on its first request: give it time.
  page.setDefaultTimeout(90_000)
  await page.goto(`${base}${path}`, { timeout: 120_000 })
  return page
}

describe('steward dev with the example data products', () => {
  test('the catalog lists the examples and filters by search; a product shows its usage by week', async () => {
    const page = await open('/')
    try {
      await expect(page.locator('tbody tr').count()).resolves.toBe(3)
      await page.getByRole('searchbox').fill('churn')
      await page.getByRole('searchbox').press('Enter')
      await page.waitForURL(/[?&]q=churn/)
      await expect(page.locator('tbody tr').count()).resolves.toBe(1)
      await expect(page.locator('tbody').innerText()).resolves.toContain('Churn')

      await page.goto(`${base}/products/app-activity-counts`)
      await page.getByRole('link', { name: 'Week', exact: true }).click()
      await page.waitForURL(/granularity=week/)
      await expect(
        page.getByRole('link', { name: 'Week', exact: true }).getAttribute('aria-current'),
      ).resolves.toBe('page')
      await page.screenshot({ path: join(shots, 'dev-product-weekly.png'), fullPage: true })
    } finally {
      await page.close()
    }
  }, 300_000)

  test('a pipeline runs from its form and the run page follows it to success', async () => {
    const page = await open('/pipelines/app-activity.daily')
    try {
      await page.getByRole('button', { name: 'Run now' }).click()
      // Once, in a full CI run beside the many-machines test, starting it took over 90 s (not
      // yet explained; 15–25 s otherwise): allow the test's own budget rather than Playwright's.
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 180_000 })
      await page.locator('h1 .status', { hasText: 'Succeeded' }).waitFor({ timeout: 180_000 })
      await page.screenshot({ path: join(shots, 'dev-run-succeeded.png'), fullPage: true })
    } finally {
      await page.close()
    }
  }, 300_000)

  test('a malformed churn export opens an incident that the alerts page acknowledges', async () => {
    await writeFile(
      join(home.path, 'inbox', 'churn', 'broken-export.csv'),
      'this is not,a churn export\n1,2\n',
    )
    const page = await open('/alerts')
    try {
      const incident = page.locator('.incident', { hasText: 'churn.score' }).first()
      for (let i = 0; i < 60 && (await incident.count()) === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2_000))
        await page.reload()
      }
      await incident.getByRole('button', { name: 'Acknowledge' }).click()
      await page.waitForURL(/done=acked/)
      await expect(page.locator('.alerts__outcome').innerText()).resolves.toMatch(/^Acknowledged/)
      await page.screenshot({ path: join(shots, 'dev-alerts-acked.png'), fullPage: true })
    } finally {
      await page.close()
    }
  }, 300_000)
})
