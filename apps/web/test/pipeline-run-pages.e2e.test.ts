import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { json, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { startRun, waitForRun } from '@steward/engine'
import { getBackfillProgress } from '@steward/engine/control'
import { RuntimeHarness } from '@steward/engine/testing'
import { testRedisUrl } from '@steward/queue/testing'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  closePage,
  launchChromium,
  openPage,
  type PageOptions,
  screenshotFromTop,
} from './support/browser.ts'
import { daysAgo, deployDemo, failingPartitions, flaky, slowPartitions } from './support/demo-pipelines.ts'
import { ensureNextBuild, type NextServer, startNextServer, webDir } from './support/next-app.ts'

/**
 * The pipeline and run pages in Chromium against the built app, a real worker and PGlite: the
 * step graph, the run form generated from the params schema, a run followed live to success, a
 * failed run retried from the page, a long run cancelled, the pages without JavaScript, CSRF on
 * the server actions, and the health checks for workers, scheduler and freshness. Screenshots go
 * to apps/web/test-output/.
 */
const shots = join(webDir, 'test-output')
let browser: Browser
let database: TestDatabase | undefined
let harness: RuntimeHarness | undefined
let server: NextServer | undefined

beforeAll(async () => {
  await ensureNextBuild()
  await mkdir(shots, { recursive: true })
  browser = await launchChromium()
  database = await testBackends.find((backend) => backend.name === 'pglite')?.open()
  if (!database) throw new Error('no pglite test backend')
  await migrateToLatest(database.db)
  harness = new RuntimeHarness(database.db)
  await deployDemo(harness)
  await harness.startWorker({ concurrency: 8 })
  server = await startNextServer({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    STEWARD_QUEUE_PREFIX: harness.prefix,
  })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await harness?.dispose()
  await database?.dispose()
})

async function open(path: string, options: PageOptions = {}): Promise<Page> {
  const { page, status } = await openPage(browser, `${server?.url}${path}`, options)
  expect(status).toBeLessThan(500)
  return page
}

const shot = (page: Page, name: string) => screenshotFromTop(page, join(shots, `${name}.png`))

const close = closePage

async function waitForBackfill(backfillId: string, timeoutMs = 30_000) {
  if (!database) throw new Error('not set up')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const progress = await getBackfillProgress(database.db, backfillId)
    if (progress.done) return progress
    if (Date.now() > deadline)
      throw new Error(`backfill ${backfillId} still running: ${JSON.stringify(progress)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const backfillIdFrom = (url: string) => /[?&]backfill=([0-9a-f-]{36})/.exec(url)?.[1]

const runIdFrom = (url: string) => /\/runs\/([0-9a-f-]{36})/.exec(url)?.[1]

describe('pipeline and run pages', () => {
  test('the pipeline page draws the step graph, the schedule in words, triggers and a form per param', async () => {
    const page = await open('/pipelines/signup-funnel.weekly')
    try {
      await expect(page.title()).resolves.toBe('Pipeline signup-funnel.weekly · Steward')
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Weekly sign-up funnel')
      const nodes = page.locator('.dag__node')
      await expect(nodes.count()).resolves.toBe(5)
      await expect(page.locator('.dag__edge').count()).resolves.toBe(5)
      const text = await page.locator('main').innerText()
      expect(text).toContain('Every Monday at 07:00')
      expect(text).toContain('0 7 * * 1 in Asia/Seoul')
      expect(text).toMatch(/Next runs/)
      expect(text).toContain('By hand')
      expect(text).toContain('No runs yet')
      expect(text).toMatch(/v1\s+Deployed/)
      // The form: an integer with its default, an enum, a checkbox, an optional string.
      await expect(page.getByLabel(/^weeks/).inputValue()).resolves.toBe('12')
      await expect(page.getByLabel(/^weeks/).getAttribute('type')).resolves.toBe('number')
      await expect(page.locator('select[name="param.region"] option').allInnerTexts()).resolves.toEqual([
        'Choose…',
        'eu',
        'us',
        'apac',
      ])
      await expect(page.getByLabel(/^dryRun/).getAttribute('type')).resolves.toBe('checkbox')
      await expect(page.getByLabel(/^until/).inputValue()).resolves.toBe('')
      // The breadcrumb leads back to the product and the catalog.
      await expect(
        page
          .getByRole('navigation', { name: 'Breadcrumb' })
          .getByRole('link', { name: 'Weekly signup funnel' })
          .getAttribute('href'),
      ).resolves.toBe('/products/weekly-signup-funnel')
      await shot(page, 'pipeline-empty')
    } finally {
      await close(page)
    }
  })

  test('runs from the form: field errors inline, then the run page follows the run live to success', async () => {
    const page = await open('/pipelines/signup-funnel.weekly')
    try {
      await page.getByLabel(/^weeks/).fill('99')
      await page.getByLabel(/^until/).fill('23/11/2026')
      await page.getByRole('button', { name: 'Run now' }).click()
      await page.locator('.run-form__error').first().waitFor()
      const form = await page.locator('.run-form').innerText()
      expect(form).toContain('At most 52.')
      expect(form).toContain('Required.')
      expect(form).toMatch(/Does not match the expected format/)
      await expect(page.getByLabel(/^weeks/).getAttribute('aria-invalid')).resolves.toBe('true')
      // What was typed stays.
      await expect(page.getByLabel(/^weeks/).inputValue()).resolves.toBe('99')
      await shot(page, 'pipeline-form-errors')

      await page.getByLabel(/^weeks/).fill('4')
      await page.getByLabel(/^until/).fill('')
      await page.locator('select[name="param.region"]').selectOption('eu')
      await page.getByRole('button', { name: 'Run now' }).click()
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
      const runId = runIdFrom(page.url())
      expect(runId).toBeDefined()
      // Live: the page moves to Succeeded on its own.
      await page.locator('h1 .status[data-status="succeeded"]').waitFor({ timeout: 30_000 })
      const run = await database?.db
        .selectFrom('runs')
        .selectAll()
        .where('id', '=', runId ?? '')
        .executeTakeFirst()
      expect(run).toMatchObject({
        status: 'succeeded',
        trigger: 'manual',
        params: { weeks: 4, region: 'eu' },
      })
      await expect(page.locator('.gantt__bar').count()).resolves.toBe(5)
      const main = await page.locator('main').innerText()
      expect(main).toContain('reading events')
      expect(main).toContain('192,840') // rows = 48,210 × 4 weeks
      expect(main).toContain('marts.signup_funnel')
      expect(main).toContain('3 signups without a country')
      // Graph nodes link to the step sections, and take the keyboard focus.
      const link = page.locator('a[href="#step-publish"]')
      await link.focus()
      await expect(page.evaluate(() => document.activeElement?.getAttribute('href'))).resolves.toBe(
        '#step-publish',
      )
      await shot(page, 'run-succeeded')
      await page.emulateMedia({ colorScheme: 'dark' })
      await shot(page, 'run-succeeded-dark')
      await page.setViewportSize({ width: 390, height: 800 })
      await shot(page, 'run-succeeded-phone')

      // The pipeline page now lists it, with its duration and the graph coloured by it.
      const pipeline = await open('/pipelines/signup-funnel.weekly')
      try {
        const row = pipeline.locator('tbody tr').first()
        await expect(row.locator('a').getAttribute('href')).resolves.toBe(`/runs/${runId}`)
        await expect(row.locator('td[data-label="Status"]').innerText()).resolves.toBe('Succeeded')
        await expect(pipeline.locator('.dag__node[data-status="succeeded"]').count()).resolves.toBe(5)
        await expect(pipeline.locator('.duration-bars__bar').count()).resolves.toBe(1)
        await shot(pipeline, 'pipeline')
        await pipeline.emulateMedia({ colorScheme: 'dark' })
        await shot(pipeline, 'pipeline-dark')
        await pipeline.setViewportSize({ width: 390, height: 800 })
        await shot(pipeline, 'pipeline-phone')
      } finally {
        await close(pipeline)
      }
    } finally {
      await close(page)
    }
  })

  test('a failed run shows the step error with its stack; retry from failed reuses what succeeded', async () => {
    if (!database || !harness) throw new Error('not set up')
    flaky.fail = true
    const { runId } = await startRun(database.db, harness.queue, {
      pipelineId: 'churn.score',
      trigger: 'manual',
    })
    expect((await waitForRun(database.db, runId, { timeoutMs: 20_000 })).run.status).toBe('failed')
    const page = await open(`/runs/${runId}`)
    try {
      const main = await page.locator('main').innerText()
      expect(main).toContain('step score failed: model churn-v7 not found at s3://models/churn-v7.bin')
      expect(main).toContain('attempt 2 of 2')
      await expect(
        page.locator('#step-score .gantt__bar, .gantt__bar[data-status="failed"]').count(),
      ).resolves.toBe(2)
      await page.locator('#step-score summary', { hasText: 'Stack trace' }).click()
      await expect(page.locator('#step-score details pre').innerText()).resolves.toMatch(
        /at .*demo-pipelines/,
      )
      await expect(page.locator('#step-sync-crm .status').innerText()).resolves.toBe('Skipped')
      await shot(page, 'run-failed')

      flaky.fail = false
      await page.getByRole('button', { name: 'Retry from failed' }).click()
      await page.waitForURL(
        (url) => runIdFrom(url.toString()) !== undefined && runIdFrom(url.toString()) !== runId,
      )
      const retryId = runIdFrom(page.url())
      await page.locator('h1 .status[data-status="succeeded"]').waitFor({ timeout: 30_000 })
      const retried = await page.locator('main').innerText()
      expect(retried).toContain(`Retry of ${runId.slice(0, 8)}`)
      expect(retried).toContain('output reused from the retried run')
      const features = await database.db
        .selectFrom('step_runs')
        .select(['status', 'attempt_count'])
        .where('run_id', '=', retryId ?? '')
        .where('step_id', '=', 'features')
        .executeTakeFirst()
      expect(features).toEqual({ status: 'succeeded', attempt_count: 0 })
      await shot(page, 'run-retried')
    } finally {
      await close(page)
    }
  })

  test('cancels a long run from its page', async () => {
    if (!database || !harness) throw new Error('not set up')
    const { runId } = await startRun(database.db, harness.queue, {
      pipelineId: 'signup-funnel.backfill',
      trigger: 'manual',
    })
    const page = await open(`/runs/${runId}`)
    try {
      await page.locator('h1 .status[data-status="running"]').waitFor({ timeout: 20_000 })
      await page.locator('.live:not(.live--off)').waitFor({ timeout: 10_000 })
      await shot(page, 'run-running')
      await page.getByRole('button', { name: 'Cancel run' }).click()
      await page.locator('h1 .status[data-status="cancelled"]').waitFor({ timeout: 20_000 })
      const steps = await database.db
        .selectFrom('step_runs')
        .select(['step_id', 'status'])
        .where('run_id', '=', runId)
        .orderBy('step_id')
        .execute()
      expect(steps).toEqual([
        { step_id: 'rebuild', status: 'cancelled' },
        { step_id: 'wait-for-warehouse', status: 'cancelled' },
      ])
      await expect(page.getByRole('button', { name: 'Retry from failed' }).count()).resolves.toBe(1)
    } finally {
      await close(page)
    }
  })

  test('a cancel posted from another origin is refused (server actions check Origin)', async () => {
    if (!database || !harness) throw new Error('not set up')
    const { runId } = await startRun(database.db, harness.queue, {
      pipelineId: 'signup-funnel.backfill',
      trigger: 'manual',
    })
    // The cancel button's form as the server renders it for browsers without JavaScript: what a
    // forged form on another site would copy.
    const page = await open(`/runs/${runId}`, { javaScript: false })
    const fields: [string, string][] = []
    try {
      const inputs = page.locator('form:has(button:text("Cancel run")) input[type="hidden"]')
      for (const input of await inputs.all()) {
        fields.push([(await input.getAttribute('name')) ?? '', (await input.getAttribute('value')) ?? ''])
      }
    } finally {
      await close(page)
    }
    expect(fields.length).toBeGreaterThan(0)
    const post = (origin: string) => {
      const body = new FormData()
      for (const [name, value] of fields) body.append(name, value)
      return fetch(`${server?.url}/runs/${runId}`, {
        method: 'POST',
        body,
        headers: { origin },
        redirect: 'manual',
      })
    }
    const forged = await post('https://evil.example')
    expect(forged.status).toBeGreaterThanOrEqual(400)
    const untouched = await database.db
      .selectFrom('runs')
      .select(['cancel_requested_at'])
      .where('id', '=', runId)
      .executeTakeFirst()
    expect(untouched?.cancel_requested_at).toBeNull()

    // The same post from this origin cancels: the refusal above was the Origin's doing.
    const own = await post(server?.url ?? '')
    expect(own.status).toBe(303)
    const cancelled = await waitForRun(database.db, runId, { timeoutMs: 20_000 })
    expect(cancelled.run.status).toBe('cancelled')
  })

  test('reads without JavaScript, and the form starts a run without it too', async () => {
    const page = await open('/pipelines/signup-funnel.weekly', { javaScript: false })
    try {
      await expect(page.locator('.dag__node').count()).resolves.toBe(5)
      await page.locator('select[name="param.region"]').selectOption('apac')
      await page.getByLabel(/^dryRun/).check()
      await page.getByRole('button', { name: 'Run now' }).click()
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
      const runId = runIdFrom(page.url()) ?? ''
      await expect(page.locator('main').innerText()).resolves.toContain('Run ')
      const done = await waitForRun(database?.db as NonNullable<typeof database>['db'], runId, {
        timeoutMs: 20_000,
      })
      expect(done.run.params).toEqual({ weeks: 12, region: 'apac', dryRun: true })
      await page.reload()
      await expect(page.locator('h1 .status').innerText()).resolves.toBe('Succeeded')
      await expect(page.locator('.gantt__bar').count()).resolves.toBe(5)
    } finally {
      await close(page)
    }
  })

  test('the product page links to its pipelines; the catalog links to the product', async () => {
    const page = await open('/')
    try {
      await page.getByRole('link', { name: 'Weekly signup funnel' }).click()
      await page.waitForURL('**/products/weekly-signup-funnel')
      const list = page.locator('.pipeline-list')
      await expect(
        list.getByRole('link', { name: 'Weekly sign-up funnel' }).getAttribute('href'),
      ).resolves.toBe('/pipelines/signup-funnel.weekly')
      await expect(list.innerText()).resolves.toContain('Every Monday at 07:00 (Asia/Seoul)')
      await expect(page.locator('nav[aria-label="Main"] [aria-current="page"]').innerText()).resolves.toBe(
        'Catalog',
      )
      await shot(page, 'product')
    } finally {
      await close(page)
    }
  })

  test('the partition grid shows each day; a backfill from the page fills it, then --only-failed mends it', async () => {
    // 14 complete days since the scheme's start; backfill 8 of them, one of which fails.
    const [from, to, bad] = [daysAgo(10), daysAgo(3), daysAgo(6)]
    failingPartitions.add(bad)
    const page = await open('/pipelines/signup-funnel.daily')
    try {
      const grid = page.locator('#partitions')
      await expect(grid.locator('.partition-grid__cell').count()).resolves.toBe(14)
      await expect(grid.locator('.partition-grid__legend').innerText()).resolves.toBe('14 never run')
      await expect(page.locator('#backfill-from').inputValue()).resolves.toBe(daysAgo(14))
      await expect(page.locator('#backfill-to').inputValue()).resolves.toBe(daysAgo(1))

      // A typo comes back as a message naming the key, with what was typed kept.
      await page.locator('#backfill-from').fill('2026-13-01')
      await page.getByRole('button', { name: 'Backfill' }).click()
      await expect(page.locator('#backfill-form-message').innerText()).resolves.toMatch(
        /"2026-13-01" is not a date on the calendar/,
      )
      await expect(page.locator('#backfill-from').inputValue()).resolves.toBe('2026-13-01')

      await page.locator('#backfill-from').fill(from)
      await page.locator('#backfill-to').fill(to)
      await page.locator('#backfill-concurrency').fill('3')
      await page.getByRole('button', { name: 'Backfill' }).click()
      await page.waitForURL(/[?&]backfill=/)
      const first = await waitForBackfill(backfillIdFrom(page.url()) ?? '')
      expect([first.backfill.status, first.succeeded, first.failed]).toEqual(['failed', 7, 1])

      await page.reload()
      await expect(grid.locator('.partition-grid__legend').innerText()).resolves.toBe(
        '7 succeeded\n1 failed\n6 never run',
      )
      const failed = grid.locator('a.partition-grid__cell[data-status="failed"]')
      await expect(failed.getAttribute('aria-label')).resolves.toMatch(new RegExp(`^${bad}: failed`))
      await expect(page.locator('.backfills__item').first().innerText()).resolves.toMatch(/8 \/ 8 ended/)
      await shot(page, 'pipeline-partitions')

      // The fix lands; rerun only what failed. The failed square links to the run that failed.
      failingPartitions.delete(bad)
      await page.locator('#backfill-mode').selectOption('only-failed')
      const before = page.url()
      await page.getByRole('button', { name: 'Backfill' }).click()
      await page.waitForURL((url) => backfillIdFrom(url.href) !== undefined && url.href !== before)
      const second = await waitForBackfill(backfillIdFrom(page.url()) ?? '')
      expect([second.backfill.status, second.total, second.succeeded]).toEqual(['succeeded', 1, 1])
      await page.reload()
      await expect(grid.locator('.partition-grid__legend').innerText()).resolves.toBe(
        '8 succeeded\n6 never run',
      )
      await expect(page.locator('.backfills__item').count()).resolves.toBe(2)
    } finally {
      await close(page)
    }
  })

  test('a running backfill updates live and cancels as a whole; Run now builds the partition named', async () => {
    if (!database) throw new Error('not set up')
    slowPartitions.add(daysAgo(14))
    const page = await open('/pipelines/signup-funnel.daily')
    try {
      await page.locator('#backfill-from').fill(daysAgo(14))
      await page.locator('#backfill-to').fill(daysAgo(11))
      await page.locator('#backfill-mode').selectOption('only-missing')
      await page.locator('#backfill-concurrency').fill('1')
      await page.getByRole('button', { name: 'Backfill' }).click()
      await page.waitForURL(/[?&]backfill=/)
      const backfillId = backfillIdFrom(page.url()) ?? ''
      const item = page.locator(`[data-backfill="${backfillId}"]`)
      // The page refreshes itself while the backfill runs: the first run shows as running.
      await item.locator('.backfills__counts [data-status="running"]').waitFor({ timeout: 15_000 })
      await expect(page.locator('.page-status .live').count()).resolves.toBe(1)
      await item.getByRole('button', { name: 'Cancel backfill' }).click()
      const ended = await waitForBackfill(backfillId)
      expect([ended.backfill.status, ended.cancelled, ended.succeeded]).toEqual(['cancelled', 4, 0])
      await page.reload()
      await expect(item.locator('.status').innerText()).resolves.toBe('Cancelled')
      await expect(item.getByRole('button', { name: 'Cancel backfill' }).count()).resolves.toBe(0)

      // Run now: a key that is no partition is refused on the field; a real one is built.
      const partition = page.getByLabel(/^partition/)
      await expect(partition.inputValue()).resolves.toBe(daysAgo(1))
      await partition.fill('yesterday')
      await page.getByRole('button', { name: 'Run now' }).click()
      await expect(page.locator('#partition-error').innerText()).resolves.toMatch(
        /"yesterday" is not a day partition key/,
      )
      await partition.fill(daysAgo(2))
      await page.getByRole('button', { name: 'Run now' }).click()
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
      const done = await waitForRun(database.db, runIdFrom(page.url()) ?? '', { timeoutMs: 20_000 })
      expect([done.run.status, done.run.partition_key]).toEqual(['succeeded', daysAgo(2)])
    } finally {
      slowPartitions.clear()
      await close(page)
    }
  })

  test('a backfill starts from the page without JavaScript too', async () => {
    const page = await open('/pipelines/signup-funnel.daily', { javaScript: false, width: 390, dark: true })
    try {
      await page.locator('#backfill-from').fill(daysAgo(2))
      await page.locator('#backfill-to').fill(daysAgo(1))
      await page.getByRole('button', { name: 'Backfill' }).click()
      await page.waitForURL(/[?&]backfill=/)
      const progress = await waitForBackfill(backfillIdFrom(page.url()) ?? '')
      expect([progress.backfill.status, progress.succeeded]).toEqual(['succeeded', 2])
      await page.reload()
      await expect(page.locator('#partitions .partition-grid__legend').innerText()).resolves.toMatch(
        /^10 succeeded/,
      )
      await shot(page, 'pipeline-partitions-phone-dark')
    } finally {
      await close(page)
    }
  })

  test('unknown pipelines and runs answer a helpful 404, rendered on the server (no JavaScript)', async () => {
    for (const [path, heading] of [
      ['/pipelines/no.such.pipeline', 'No such pipeline'],
      ['/runs/00000000-0000-4000-8000-000000000000', 'No such run'],
      ['/runs/not-a-uuid', 'No such run'],
      ['/products/nope', 'No such product'],
    ] as const) {
      const page = await browser.newPage({ javaScriptEnabled: false })
      try {
        const response = await page.goto(`${server?.url}${path}`)
        expect(response?.status()).toBe(404)
        await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(heading)
        if (path.startsWith('/runs/0')) await shot(page, 'run-not-found')
      } finally {
        await page.close()
      }
    }
  })

  test('the buttons pressed above are in the audit log, which /settings/audit lists and filters', async () => {
    if (!database) throw new Error('not set up')
    const rows = await database.db
      .selectFrom('audit_log')
      .select(['actor_kind', 'actor', 'via', 'action', 'target_kind'])
      .where('via', '=', 'ui')
      .execute()
    // Without sign-in, the local admin pressed them, through the UI.
    for (const action of ['run.start', 'run.cancel', 'run.retry', 'backfill.start', 'backfill.cancel'])
      expect(rows).toContainEqual({
        actor_kind: 'local',
        actor: 'local-admin',
        via: 'ui',
        action,
        target_kind: action.split('.')[0],
      })
    const page = await open('/settings/audit?action=run.cancel')
    try {
      const table = await page.locator('.audit-table').innerText()
      expect(table).toContain('run.cancel')
      expect(table).toContain('local-admin')
      expect(table).not.toContain('run.start')
      await page.locator('select[name="action"]').selectOption('backfill.start')
      await page.getByRole('button', { name: 'Filter' }).click()
      await page.waitForURL(/action=backfill\.start/)
      await expect(page.locator('.audit-table tbody tr').first().innerText()).resolves.toContain(
        'backfill.start',
      )
      await shot(page, 'audit-log')
    } finally {
      await close(page)
    }
    const bad = await open('/settings/audit?since=soon')
    try {
      await expect(bad.locator('.notice--danger').innerText()).resolves.toMatch(
        /^since must be an ISO 8601 date/,
      )
    } finally {
      await close(bad)
    }
  })

  test('health reports workers, the scheduler and stale products', async () => {
    if (!database) throw new Error('not set up')
    const health = async () => (await fetch(`${server?.url}/api/health`)).json()
    const okay = await health()
    expect(okay).toMatchObject({
      status: 'OKAY',
      checks: {
        database: { status: 'OKAY' },
        redis: { status: 'OKAY' },
        workers: { status: 'OKAY' },
        scheduler: { status: 'OKAY' },
        freshness: { status: 'OKAY' },
      },
    })

    // A promise of one hour that the product's last success (three hours ago) broke, and a
    // schedule deployed two days ago that has not fired since.
    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000)
    await database.db
      .updateTable('products')
      .set({ freshness_max_age_seconds: 3_600, created_at: new Date(Date.now() - 86_400_000) })
      .where('id', '=', 'weekly-signup-funnel')
      .execute()
    await database.db
      .updateTable('runs')
      .set({ finished_at: threeHoursAgo })
      .where('status', '=', 'succeeded')
      .execute()
    await database.db
      .updateTable('pipelines')
      .set({
        updated_at: new Date(Date.now() - 8 * 86_400_000),
        schedule_cron: '0 * * * *',
        triggers: json([]),
      })
      .where('id', '=', 'signup-funnel.weekly')
      .execute()
    const response = await fetch(`${server?.url}/api/health`)
    expect(response.status).toBe(503)
    const broken = await response.json()
    expect(broken.status).toBe('ERROR')
    expect(broken.checks.workers.status).toBe('OKAY')
    expect(broken.checks.freshness.error).toMatch(
      /^1 product is stale: weekly-signup-funnel \(last success 3 hours ago, promised 1 hour\)/,
    )
    expect(broken.checks.scheduler.error).toMatch(
      /^1 scheduled pipeline missed two fire times in a row: signup-funnel\.weekly \(no run for /,
    )

    // No worker: the workers check fails and says what to start.
    await harness?.workers[0]?.close()
    const noWorkers = await health()
    expect(noWorkers.checks.workers.error).toMatch(/no worker is connected to the queue .*steward worker/)
  })
})
