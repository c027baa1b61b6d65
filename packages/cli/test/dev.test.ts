import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pingRedis } from '@steward/queue'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  freePort,
  type RunningSteward,
  runSteward,
  startSteward,
  tempHome,
} from './support/steward-process.ts'

const basicProject = fileURLToPath(
  new URL('../../engine/src/loader/fixtures/basic/steward.config.ts', import.meta.url),
)

describe('steward dev --no-web', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let steward: RunningSteward | undefined
  beforeEach(async () => {
    home = await tempHome()
  })
  afterEach(async () => {
    await steward?.kill()
    steward = undefined
    await home.dispose()
  })

  it('with STEWARD_QUEUE=redis starts its own redis-server when none answers, and stops it on SIGINT', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`
    steward = startSteward(['dev', '--no-web'], {
      STEWARD_HOME: home.path,
      REDIS_URL: redisUrl,
      STEWARD_QUEUE: 'redis',
    })
    await steward.waitForOutput('press Ctrl-C')

    expect(steward.stdout).toContain('database: applied migration 0001_catalog_and_runtime')
    expect(steward.stdout).toContain('Steward is running without the web UI (--no-web)')
    expect(steward.stdout).toMatch(/^ {2}database {2}embedded \(.*\/db\)$/m)
    expect(steward.stdout).toContain(`  queue     redis at ${redisUrl} (prefix {steward-test-`)
    expect(steward.stdout).toContain('(started by steward dev, data in')
    expect(steward.stdout).toContain('worker: not started — no project deployed (no steward.config.ts)')
    expect(await pingRedis(redisUrl)).toEqual({ ok: true })
    const pid = Number(await readFile(join(home.path, 'redis', 'redis.pid'), 'utf8'))

    steward.signal('SIGINT')
    const result = await steward.result
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('steward: stopped')
    expect((await pingRedis(redisUrl)).ok).toBe(false)
    expect(isAlive(pid)).toBe(false)
    // The embedded database was closed: its server file is gone.
    expect(existsSync(join(home.path, 'db', 'server.json'))).toBe(false)
  })

  it('uses a Redis that already answers and leaves it running; with no project found, says where it looked', async () => {
    const redisUrl = 'redis://127.0.0.1:6379'
    steward = startSteward(
      ['dev', '--no-web'],
      { STEWARD_HOME: home.path, REDIS_URL: redisUrl },
      { cwd: home.path },
    )
    await steward.waitForOutput('press Ctrl-C')
    expect(steward.stdout).toContain(
      `deploy: nothing deployed: no steward.config.ts in ${home.path} or any parent folder: run npx steward init to make a project here, or pass --config <file>`,
    )
    expect(steward.stdout).toContain(`redis: using the Redis at ${redisUrl}`)
    expect(steward.stdout).toContain(`  queue     redis at ${redisUrl} (prefix`)
    expect(existsSync(join(home.path, 'redis'))).toBe(false)

    steward.signal('SIGTERM')
    const result = await steward.result
    expect(result.code).toBe(0)
    expect(await pingRedis(redisUrl)).toEqual({ ok: true })
  })
})

describe('steward dev with STEWARD_QUEUE unset and no Redis', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let steward: RunningSteward | undefined
  beforeEach(async () => {
    home = await tempHome()
  })
  afterEach(async () => {
    await steward?.kill()
    steward = undefined
    await home.dispose()
  })

  it('runs the queue on PostgreSQL in the embedded database, starts no redis-server, and steward run follows', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`
    const env = { STEWARD_HOME: home.path, REDIS_URL: redisUrl }
    steward = startSteward(['dev', '--no-web', '--config', basicProject], env)
    await steward.waitForOutput('press Ctrl-C', 120_000)
    expect(steward.stdout).toContain(`queue: no Redis answers at ${redisUrl}: using the PostgreSQL queue`)
    expect(steward.stdout).toMatch(
      /^ {2}queue {5}postgres, schema steward_test_.*_queue in the database \(embedded \(/m,
    )
    expect(steward.stdout).toContain('schedules: 2 active, 0 removed')
    expect(existsSync(join(home.path, 'redis'))).toBe(false)

    // Another terminal: STEWARD_QUEUE unset there too, and its run goes through dev's queue.
    const run = await runSteward(['run', 'app-activity.counts', '--wait'], env)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/succeeded\s+✓ count\s+✓ parse/)

    steward.signal('SIGINT')
    const result = await steward.result
    expect(result.code).toBe(0)
    expect((await pingRedis(redisUrl)).ok).toBe(false)
    // The choice is forgotten with dev: a later command follows STEWARD_QUEUE again.
    expect(existsSync(join(home.path, 'dev-queue.json'))).toBe(false)
  }, 240_000)
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
