import { mkdir, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from './support/browser.ts'
import { ensureNextBuild, type NextServer, repoRoot, startNextServer } from './support/next-app.ts'
import { seedCatalog, seeded } from './support/seed-catalog.ts'

/**
 * The built web app (`next build` + `next start`) against a real database per backend, driven by
 * a real browser. STEWARD_SCREENSHOTS=1 writes the screenshots the README shows to docs/images;
 * otherwise they go to a temporary folder.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const writeDocs = process.env.STEWARD_SCREENSHOTS === '1'
let screenshots: string
let browser: Browser

beforeAll(async () => {
  await ensureNextBuild()
  browser = await launchChromium()
  screenshots = writeDocs
    ? join(repoRoot, 'docs/images')
    : await mkdtemp(join(tmpdir(), 'steward-web-shots-'))
  await mkdir(screenshots, { recursive: true })
  if (!writeDocs) console.info(`[web test] screenshots in ${screenshots}`)
}, 240_000)

afterAll(async () => {
  await browser?.close()
})

async function openPage(url: string, options: { width?: number; dark?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: options.width ?? 1280, height: 480 },
    colorScheme: options.dark ? 'dark' : 'light',
  })
  const response = await page.goto(url)
  expect(response?.status()).toBeLessThan(500)
  return page
}

for (const backend of testBackends) {
  describe(`catalog on ${backend.name}`, () => {
    let database: TestDatabase | undefined
    let server: NextServer | undefined

    beforeAll(async () => {
      database = await backend.open()
      await migrateToLatest(database.db)
      await seedCatalog(database.db)
      // A queue prefix of its own: no worker of another test or install on this Redis counts here.
      server = await startNextServer({
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        STEWARD_QUEUE_PREFIX: `{steward-catalog-test-${process.pid}}`,
      })
    }, 120_000)

    afterAll(async () => {
      await server?.stop()
      await database?.dispose()
    })

    test('lists live products with owners, tier, freshness promise and budget; hides archived ones', async () => {
      const page = await openPage(`${server?.url}/`)
      try {
        await expect(page.title()).resolves.toBe('Catalog · Steward')
        const rows = page.locator('tbody tr')
        await expect(rows.count()).resolves.toBe(2)
        for (const product of [seeded.funnel, seeded.churn]) {
          const row = rows.filter({ hasText: product.name })
          const cell = (label: string) => row.locator(`td[data-label="${label}"]`).innerText()
          await expect(row.count()).resolves.toBe(1)
          await expect(cell('Owners')).resolves.toContain(product.team)
          await expect(cell('Tier')).resolves.toMatch(new RegExp(product.tier, 'i'))
          await expect(cell('Freshness')).resolves.toContain(`promise ${product.freshness}`)
          await expect(cell('Cost (30 d)')).resolves.toContain(`budget ${product.budget}/mo`)
        }
        const body = await page.locator('body').innerText()
        expect(body).not.toContain(seeded.archived.name)
        // The header's nav marks where we are.
        await expect(page.getByRole('link', { name: 'Catalog' }).getAttribute('aria-current')).resolves.toBe(
          'page',
        )

        if (backend.name === 'pglite') {
          await page.screenshot({ path: join(screenshots, 'catalog.png'), fullPage: true })
          const dark = await openPage(`${server?.url}/`, { dark: true })
          await dark.screenshot({ path: join(screenshots, 'catalog-dark.png'), fullPage: true })
          await dark.close()
          const phone = await openPage(`${server?.url}/`, { width: 390 })
          await phone.screenshot({ path: join(screenshots, 'catalog-phone.png'), fullPage: true })
          await phone.close()
        }
      } finally {
        await page.close()
      }
    })

    test('the first Tab stop skips to the content, and focus is visible', async () => {
      const page = await openPage(`${server?.url}/`)
      try {
        await page.keyboard.press('Tab')
        const focused = page.locator(':focus')
        await expect(focused.innerText()).resolves.toBe('Skip to content')
        await expect(focused.evaluate((el) => getComputedStyle(el).outlineStyle)).resolves.toBe('solid')
      } finally {
        await page.close()
      }
    })

    // No worker runs here: health is ERROR for the workers alone (the run pages' test has one, and OKAY).
    test('GET /api/health answers the database and Redis checks OKAY, and names the missing worker', async () => {
      const response = await fetch(`${server?.url}/api/health`)
      expect(response.status).toBe(503)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('x-powered-by')).toBeNull()
      const body = await response.json()
      expect(body).toMatchObject({
        status: 'ERROR',
        checks: {
          database: { status: 'OKAY', latencyMs: expect.any(Number) },
          redis: { status: 'OKAY', latencyMs: expect.any(Number) },
          workers: { status: 'ERROR', error: expect.stringContaining('no worker') },
          scheduler: { status: 'OKAY' },
          freshness: { status: 'OKAY' },
        },
      })
    })

    test('an unknown address answers 404 with a way back', async () => {
      const page = await browser.newPage()
      try {
        const response = await page.goto(`${server?.url}/no/such/page`)
        expect(response?.status()).toBe(404)
        await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Page not found')
        await expect(
          page.getByRole('link', { name: 'Go to the catalog' }).getAttribute('href'),
        ).resolves.toBe('/')
      } finally {
        await page.close()
      }
    })
  })
}

describe('catalog on a fresh database', () => {
  let database: TestDatabase | undefined
  let server: NextServer | undefined

  beforeAll(async () => {
    const pglite = testBackends.find((backend) => backend.name === 'pglite')
    database = await pglite?.open()
    if (!database) throw new Error('no pglite test backend')
    server = await startNextServer({ DATABASE_URL: database.url, REDIS_URL: redisUrl })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.dispose()
  })

  test('says the database is not migrated, then shows the empty state once it is', async () => {
    const before = await openPage(`${server?.url}/`)
    try {
      const notice = await before.locator('main').getByRole('alert').innerText()
      expect(notice).toContain('Database not migrated: run steward dev')
    } finally {
      await before.close()
    }

    if (!database) throw new Error('no database')
    await migrateToLatest(database.db)
    const after = await openPage(`${server?.url}/`)
    try {
      await expect(after.getByRole('heading', { name: 'No data products yet' }).count()).resolves.toBe(1)
      const body = await after.locator('main').innerText()
      expect(body).toContain('defineProduct({')
      expect(body).toContain('npx steward deploy')
      expect(await after.locator('table').count()).toBe(0)
      await after.screenshot({ path: join(screenshots, 'catalog-empty.png'), fullPage: true })
    } finally {
      await after.close()
    }
  })
})
