import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pingRedis } from '../src/redis/ping-redis.ts'
import { freePort, type RunningSteward, startSteward, tempHome } from './support/steward-process.ts'

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

  it('starts its own redis-server when none answers, and stops it on SIGINT', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`
    steward = startSteward(['dev', '--no-web'], { STEWARD_HOME: home.path, REDIS_URL: redisUrl })
    await steward.waitForOutput('press Ctrl-C')

    expect(steward.stdout).toContain('database: applied migration 0001_catalog_and_runtime')
    expect(steward.stdout).toContain('Steward is running without the web UI (--no-web)')
    expect(steward.stdout).toMatch(/^ {2}database {2}embedded \(.*\/db\)$/m)
    expect(steward.stdout).toContain(`  redis     ${redisUrl} (started by steward dev`)
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

  it('uses a Redis that already answers and leaves it running', async () => {
    const redisUrl = 'redis://127.0.0.1:6379'
    steward = startSteward(['dev', '--no-web'], { STEWARD_HOME: home.path, REDIS_URL: redisUrl })
    await steward.waitForOutput('press Ctrl-C')
    expect(steward.stdout).toContain(`redis: using the Redis at ${redisUrl}`)
    expect(existsSync(join(home.path, 'redis'))).toBe(false)

    steward.signal('SIGTERM')
    const result = await steward.result
    expect(result.code).toBe(0)
    expect(await pingRedis(redisUrl)).toEqual({ ok: true })
  })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
