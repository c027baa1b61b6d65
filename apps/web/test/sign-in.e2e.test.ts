import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { RuntimeHarness } from '@steward/engine/testing'
import { testRedisUrl } from '@steward/queue/testing'
import { createToken } from '@steward/usage'
import { OAuth2Server } from 'oauth2-mock-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from './support/browser.ts'
import { deployDemo } from './support/demo-pipelines.ts'
import { ensureNextBuild, type NextServer, startNextServer, webDir } from './support/next-app.ts'

/**
 * Sign-in with OIDC against a local identity provider (oauth2-mock-server: discovery, JWKS, the
 * authorization code flow with PKCE): pages need a session, the health endpoint does not; a
 * signed-in stranger reads but may not run (the server action refuses even a forced click); an
 * owner by team group runs; signing out ends the session.
 */
const shots = join(webDir, 'test-output')
let browser: Browser
let database: TestDatabase | undefined
let harness: RuntimeHarness | undefined
let server: NextServer | undefined
const idp = new OAuth2Server()
/** The claims the identity provider puts in the next ID token. */
let user: Record<string, unknown> = {}

beforeAll(async () => {
  await ensureNextBuild()
  await mkdir(shots, { recursive: true })
  browser = await launchChromium()
  await idp.issuer.keys.generate('RS256')
  await idp.start(0, '127.0.0.1')
  idp.service.on('beforeTokenSigning', (token) => Object.assign(token.payload, user))
  database = await testBackends.find((backend) => backend.name === 'pglite')?.open()
  if (!database) throw new Error('no pglite test backend')
  await migrateToLatest(database.db)
  harness = new RuntimeHarness(database.db)
  await deployDemo(harness)
  await harness.startWorker({ concurrency: 4 })
  server = await startNextServer({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    STEWARD_QUEUE_PREFIX: harness.prefix,
    STEWARD_OIDC_ISSUER: idp.issuer.url ?? '',
    STEWARD_OIDC_CLIENT_ID: 'steward-web',
    STEWARD_OIDC_CLIENT_SECRET: 'steward-web-secret',
    STEWARD_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
    STEWARD_ADMINS: 'lead@example.com',
  })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await idp.stop()
  await harness?.dispose()
  await database?.dispose()
})

async function signIn(claims: Record<string, unknown>, path: string): Promise<Page> {
  user = claims
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  await page.goto(`${server?.url}${path}`)
  await page.waitForURL(/\/sign-in\?next=/)
  await page.getByRole('link', { name: /^Continue with / }).click()
  await page.waitForURL(`${server?.url}${path}`)
  return page
}

describe('sign-in with OIDC', () => {
  test('pages need a session; the health endpoint and the JSON API do not redirect', async () => {
    const page = await browser.newPage()
    try {
      await page.goto(`${server?.url}/pipelines/signup-funnel.weekly`)
      expect(new URL(page.url()).pathname).toBe('/sign-in')
      expect(new URL(page.url()).searchParams.get('next')).toBe('/pipelines/signup-funnel.weekly')
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Sign in to Steward')
      await page.screenshot({ path: join(shots, 'sign-in.png') })
      const health = await fetch(`${server?.url}/api/health`, { redirect: 'manual' })
      expect([200, 503]).toContain(health.status)
      // A session cookie signed with another secret is no session.
      const forged = await fetch(`${server?.url}/`, {
        redirect: 'manual',
        headers: { cookie: 'steward_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' },
      })
      expect(forged.status).toBe(303)
    } finally {
      await page.close()
    }
  })

  test('a stranger reads the pipeline but may not run it, even by forcing the button', async () => {
    const page = await signIn(
      { sub: 'bo', name: 'Bo Stranger', email: 'bo@example.com', groups: ['finance'] },
      '/pipelines/signup-funnel.weekly',
    )
    try {
      await expect(page.locator('.viewer__name').innerText()).resolves.toBe('Bo Stranger')
      const run = page.getByRole('button', { name: 'Run now' })
      await expect(run.isDisabled()).resolves.toBe(true)
      await expect(page.locator('.run-form').innerText()).resolves.toContain(
        'Owners of Weekly signup funnel and admins can run it.',
      )
      // The button is only greyed out in the page; the server action checks again.
      await page.locator('select[name="param.region"]').selectOption('eu')
      await run.evaluate((button) => button.removeAttribute('disabled'))
      await run.click()
      await expect(page.locator('#run-form-message').innerText()).resolves.toBe(
        'Only the owners of Weekly signup funnel and admins can do this; you are signed in as bo@example.com.',
      )
      const runs = await database?.db.selectFrom('runs').select('id').execute()
      expect(runs).toEqual([])
      await page.screenshot({ path: join(shots, 'pipeline-not-owner.png'), fullPage: true })

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(/\/sign-in\?signedOut=1$/)
      await page.goto(`${server?.url}/`)
      expect(new URL(page.url()).pathname).toBe('/sign-in')
    } finally {
      await page.context().close()
    }
  })

  test('an owner by team group runs the pipeline; the run records who started it', async () => {
    const page = await signIn(
      { sub: 'ana', name: 'Ana Owner', email: 'ana@example.com', groups: ['growth-data'] },
      '/pipelines/signup-funnel.weekly',
    )
    try {
      await page.locator('select[name="param.region"]').selectOption('eu')
      await page.getByRole('button', { name: 'Run now' }).click()
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/)
      const runId = page.url().split('/').at(-1) ?? ''
      const run = await database?.db
        .selectFrom('runs')
        .select('trigger_detail')
        .where('id', '=', runId)
        .executeTakeFirstOrThrow()
      expect(run?.trigger_detail).toMatchObject({ via: 'web', by: 'ana@example.com' })
      // The audit log names the signed-in user, the UI as the door, and the product.
      const audit = await database?.db
        .selectFrom('audit_log')
        .selectAll()
        .where('target_id', '=', runId)
        .executeTakeFirstOrThrow()
      expect(audit).toMatchObject({
        actor_kind: 'user',
        actor: 'ana@example.com',
        via: 'ui',
        action: 'run.start',
        target_kind: 'run',
        product_id: 'weekly-signup-funnel',
        details: { pipelineId: 'signup-funnel.weekly', params: { region: 'eu' } },
      })

      // Her session cookie changes something through the API only from Steward's own pages.
      const inBrowser = await page.evaluate(async () => {
        const response = await fetch('/api/v1/pipelines/signup-funnel.weekly/runs', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ params: { region: 'us' } }),
        })
        return response.status
      })
      expect(inBrowser).toBe(201)
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
      const post = (headers: Record<string, string>) =>
        fetch(`${server?.url}/api/v1/pipelines/signup-funnel.weekly/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, ...headers },
          body: JSON.stringify({ params: { region: 'us' } }),
        })
      const forged = await post({ origin: 'https://evil.example' })
      expect([forged.status, (await forged.json()).error.code]).toEqual([403, 'ORIGIN_FOREIGN'])
      const noOrigin = await post({})
      expect([noOrigin.status, (await noOrigin.json()).error.code]).toEqual([403, 'ORIGIN_MISSING'])
      const apiRun = await database?.db
        .selectFrom('audit_log')
        .select(['actor_kind', 'actor', 'via'])
        .where('action', '=', 'run.start')
        .where('via', '=', 'api')
        .execute()
      expect(apiRun).toEqual([{ actor_kind: 'user', actor: 'ana@example.com', via: 'api' }])
    } finally {
      await page.context().close()
    }
  })

  test('the runs API wants a token with the operate scope once sign-in is on', async () => {
    if (!database) throw new Error('not set up')
    const start = (token?: string) =>
      fetch(`${server?.url}/api/v1/pipelines/signup-funnel.weekly/runs`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ params: { region: 'us' } }),
      })
    const anonymous = await start()
    expect([anonymous.status, (await anonymous.json()).error.code]).toEqual([401, 'UNAUTHENTICATED'])
    const reader = await createToken(database.db, { name: 'dashboards', scopes: ['read'] })
    const readOnly = await start(reader.token)
    expect([readOnly.status, (await readOnly.json()).error.code]).toEqual([403, 'TOKEN_SCOPE'])
    const operator = await createToken(database.db, { name: 'airflow-bridge', scopes: ['operate'] })
    const started = await start(operator.token)
    expect(started.status).toBe(201)
    const { runId } = await started.json()
    const status = await fetch(`${server?.url}/api/v1/runs/${runId}`, {
      headers: { authorization: `Bearer ${reader.token}` },
    })
    expect(status.status).toBe(200)
  })

  test('an admin by e-mail may operate on any product', async () => {
    const page = await signIn({ sub: 'lead', name: 'Lee Lead', email: 'lead@example.com', groups: [] }, '/')
    try {
      await expect(page.locator('.viewer .tag').innerText()).resolves.toBe('admin')
      await page.goto(`${server?.url}/pipelines/signup-funnel.weekly`)
      await expect(page.getByRole('button', { name: 'Run now' }).isDisabled()).resolves.toBe(false)
    } finally {
      await page.context().close()
    }
  })
})
