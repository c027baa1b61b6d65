import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import { freePort, type TestDatabase, testBackends } from '@steward/db/testing'
import { createToken, hashActor, revokeToken } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureNextBuild, type NextServer, startNextServer, webDir } from './support/next-app.ts'

/** The usage and cost API through `next start`: tokens, partial acceptance, the pixel, the series. */
const salt = 'usage-api-test-salt-0123456789'

beforeAll(async () => {
  await ensureNextBuild()
}, 240_000)

describe('the usage API', () => {
  let database: TestDatabase | undefined
  let server: NextServer | undefined
  let ingest = ''
  let read = ''

  beforeAll(async () => {
    database = await testBackends.find((backend) => backend.name === 'postgres')?.open()
    if (!database) database = await testBackends[0]?.open()
    if (!database) throw new Error('no test backend')
    await migrateToLatest(database.db)
    await database.db
      .insertInto('products')
      .values({
        id: 'funnel',
        name: 'Funnel',
        owners: '[]',
        stakeholders: '[]',
        links: '[]',
        tags: [],
        definition_hash: 'h',
        budget_monthly_usd: 100,
      })
      .execute()
    ingest = (await createToken(database.db, { name: 'looker', scopes: ['ingest'] })).token
    read = (await createToken(database.db, { name: 'reader', scopes: ['read'] })).token
    server = await startNextServer({ DATABASE_URL: database.url, STEWARD_USAGE_SALT: salt })
  }, 180_000)

  afterAll(async () => {
    await server?.stop()
    await database?.dispose()
  })

  const post = (body: unknown, token = ingest) =>
    fetch(`${server?.url}/api/v1/usage/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    })

  test('accepts a batch, names each refused event by index and field, and counts a retry once', async () => {
    const at = new Date(Date.now() - 3600_000).toISOString()
    const events = [
      { product: 'funnel', kind: 'view', actor: 'ana@example.com', at, id: 'a1' },
      { product: 'funnel', kind: 'bad kind', actor: 'ana@example.com', at },
      { product: 'funnel', kind: 'query', actor: 'bo@example.com', at, id: 'a2' },
    ]
    const first = await post({ events })
    expect(first.status).toBe(207)
    expect(await first.json()).toEqual({
      accepted: 2,
      stored: 2,
      duplicates: [],
      rejected: [{ index: 1, field: 'kind', message: expect.stringContaining('view, query') }],
    })
    const retry = await post([events[0], events[2]])
    expect(retry.status).toBe(200)
    expect(await retry.json()).toEqual({ accepted: 2, stored: 0, duplicates: [0, 1], rejected: [] })

    const none = await post({ events: [{ product: 'nope', kind: 'view', actor: 'x' }] })
    expect(none.status).toBe(400)
    expect(await none.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0, field: 'product' }] })
    expect((await post({ nothing: true })).status).toBe(400)
    const tooMany = await post({ events: Array.from({ length: 1001 }, () => events[0]) })
    expect(tooMany.status).toBe(400)
    expect(await tooMany.json()).toMatchObject({ error: { code: 'USAGE_BATCH_INVALID' } })

    const stored = await database?.db.selectFrom('usage_events').select('actor_hash').orderBy('id').execute()
    expect(stored?.map((r) => r.actor_hash)).toEqual([
      hashActor(salt, 'ana@example.com'),
      hashActor(salt, 'bo@example.com'),
    ])
  })

  test('refuses missing, wrong-scope and revoked tokens', async () => {
    const anonymous = await fetch(`${server?.url}/api/v1/usage/events`, { method: 'POST', body: '[]' })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer')
    expect((await post([], read)).status).toBe(403)
    const temp = await createToken(database?.db as TestDatabase['db'], { name: 'temp', scopes: ['ingest'] })
    expect((await post([], temp.token)).status).toBe(200)
    await revokeToken(database?.db as TestDatabase['db'], 'temp')
    const revoked = await post([], temp.token)
    expect(revoked.status).toBe(401)
    expect(await revoked.json()).toMatchObject({ error: { code: 'TOKEN_REVOKED' } })
  })

  test('the pixel counts a view and answers a GIF, even when it refuses one', async () => {
    const ok = await fetch(
      `${server?.url}/api/v1/usage/pixel?product=funnel&token=${ingest}&actor=cy@example.com`,
    )
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('image/gif')
    expect((await ok.arrayBuffer()).byteLength).toBe(42)
    const wrong = await fetch(`${server?.url}/api/v1/usage/pixel?product=ghost&token=${ingest}`)
    expect(wrong.status).toBe(400)
    expect(wrong.headers.get('content-type')).toBe('image/gif')
    expect(wrong.headers.get('x-steward-error')).toContain('product')
    expect((await fetch(`${server?.url}/api/v1/usage/pixel?product=funnel&token=stw_nope`)).status).toBe(401)
  })

  test('reads the usage and cost series with a read token', async () => {
    const headers = { authorization: `Bearer ${read}` }
    const usage = await fetch(`${server?.url}/api/v1/products/funnel/usage?granularity=month`, { headers })
    expect(usage.status).toBe(200)
    const body = (await usage.json()) as { periods: { events: Record<string, number>; actors: number }[] }
    expect(body.periods).toHaveLength(12)
    const thisMonth = body.periods[body.periods.length - 1]
    expect(thisMonth?.events).toMatchObject({ view: 2, query: 1 })
    expect(thisMonth?.actors).toBe(3)

    const cost = await fetch(`${server?.url}/api/v1/products/funnel/cost?granularity=week`, { headers })
    expect(cost.status).toBe(200)
    expect(await cost.json()).toMatchObject({
      granularity: 'week',
      budget: { budgetUsd: 100, monthToDateUsd: 0 },
    })

    expect(
      (await fetch(`${server?.url}/api/v1/products/funnel/usage?granularity=year`, { headers })).status,
    ).toBe(400)
    expect((await fetch(`${server?.url}/api/v1/products/ghost/usage`, { headers })).status).toBe(404)
    expect(
      (
        await fetch(`${server?.url}/api/v1/products/funnel/usage`, {
          headers: { authorization: `Bearer ${ingest}` },
        })
      ).status,
    ).toBe(403)
  })
})

test('a production server refuses to start without STEWARD_USAGE_SALT, in one line', async () => {
  const nextBin = createRequire(join(webDir, 'package.json')).resolve('next/dist/bin/next')
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
    {
      cwd: webDir,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, 60_000)
    child.once('exit', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  expect(code).toBe(1)
  expect(stderr).toContain('steward web: STEWARD_USAGE_SALT is not set')
  expect(stderr).not.toMatch(/^\s+at /m)
}, 90_000)
