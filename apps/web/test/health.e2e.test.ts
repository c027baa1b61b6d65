import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureNextBuild, type NextServer, startNextServer } from './support/next-app.ts'

/**
 * GET /api/health when a dependency is down: 503, status ERROR, the failed check named with a
 * message that says where, and no password from any URL.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

beforeAll(async () => {
  await ensureNextBuild()
}, 240_000)

async function health(server: NextServer | undefined) {
  const response = await fetch(`${server?.url}/api/health`)
  return { response, text: await response.text() }
}

describe('health with Redis unreachable', () => {
  let database: TestDatabase | undefined
  let server: NextServer | undefined

  beforeAll(async () => {
    database = await testBackends.find((backend) => backend.name === 'pglite')?.open()
    if (!database) throw new Error('no pglite test backend')
    // Port 1: nothing listens there. The password must never come back.
    server = await startNextServer({ DATABASE_URL: database.url, REDIS_URL: 'redis://:hunter2@127.0.0.1:1' })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.dispose()
  })

  test('answers 503 naming Redis, with the database OKAY', async () => {
    const { response, text } = await health(server)
    expect(response.status).toBe(503)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = JSON.parse(text)
    expect(body.status).toBe('ERROR')
    expect(body.checks.database).toMatchObject({ status: 'OKAY', latencyMs: expect.any(Number) })
    expect(body.checks.redis).toMatchObject({
      status: 'ERROR',
      error: 'connection refused at redis://:***@127.0.0.1:1',
    })
    expect(text).not.toContain('hunter2')
  })
})

describe('health on the PostgreSQL queue (STEWARD_QUEUE=postgres)', () => {
  let database: TestDatabase | undefined
  let server: NextServer | undefined

  beforeAll(async () => {
    database = await testBackends.find((backend) => backend.name === 'pglite')?.open()
    if (!database) throw new Error('no pglite test backend')
    await migrateToLatest(database.db)
    // No Redis answers at REDIS_URL, and none is needed.
    server = await startNextServer({
      DATABASE_URL: database.url,
      STEWARD_QUEUE: 'postgres',
      REDIS_URL: 'redis://127.0.0.1:1',
    })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.dispose()
  })

  test('reports the queue as the database, with no Redis check, and says no worker runs', async () => {
    const { response, text } = await health(server)
    const body = JSON.parse(text)
    expect(Object.keys(body.checks)).toEqual([
      'database',
      'queue',
      'workers',
      'scheduler',
      'freshness',
      'usage',
      'alert-delivery',
      'alert-destinations',
    ])
    expect(body.checks.queue).toMatchObject({ status: 'OKAY', latencyMs: expect.any(Number) })
    // No worker was started here: the one failing part, named.
    expect(response.status).toBe(503)
    expect(body.checks.workers.status).toBe('ERROR')
    expect(body.checks.workers.error).toMatch(/^no worker is connected to the queue at the database/)
    expect([
      body.checks.database.status,
      body.checks.scheduler.status,
      body.checks.freshness.status,
      body.checks.usage.status,
      body.checks['alert-delivery'].status,
    ]).toEqual(['OKAY', 'OKAY', 'OKAY', 'OKAY', 'OKAY'])
  })
})

describe('health with the database unreachable', () => {
  let server: NextServer | undefined

  beforeAll(async () => {
    server = await startNextServer({
      DATABASE_URL: 'postgres://steward:s3cret-pw@127.0.0.1:1/steward',
      REDIS_URL: redisUrl,
    })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
  })

  test('answers 503 naming the database, with Redis OKAY and the password redacted', async () => {
    const { response, text } = await health(server)
    expect(response.status).toBe(503)
    const body = JSON.parse(text)
    expect(body.status).toBe('ERROR')
    expect(body.checks.redis).toMatchObject({ status: 'OKAY' })
    expect(body.checks.database.status).toBe('ERROR')
    expect(body.checks.database.error).toContain('postgres://steward:***@127.0.0.1:1/steward')
    expect(body.checks.database.error).toContain('connection refused')
    expect(text).not.toContain('s3cret-pw')
  })

  test('the catalog explains that the database cannot be reached instead of failing', async () => {
    const response = await fetch(`${server?.url}/`)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Cannot reach the database')
    expect(html).not.toContain('s3cret-pw')
  })
})

describe('a malformed DATABASE_URL', () => {
  let server: NextServer | undefined

  beforeAll(async () => {
    server = await startNextServer({ DATABASE_URL: 'mysql://root:s3cret-pw@db/steward', REDIS_URL: redisUrl })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
  })

  test('health names the setting and what to do', async () => {
    const { response, text } = await health(server)
    expect(response.status).toBe(503)
    const body = JSON.parse(text)
    expect(body.checks.database.error).toMatch(/^DATABASE_URL must start with postgres:\/\//)
    expect(text).not.toContain('s3cret-pw')
  })

  test('the catalog asks for the setting to be fixed', async () => {
    const html = await (await fetch(`${server?.url}/`)).text()
    expect(html).toContain('A setting needs fixing')
    expect(html).not.toContain('s3cret-pw')
  })
})
