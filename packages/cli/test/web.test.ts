import { pingRedis } from '@steward/queue'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { assertPortFree } from '../src/net/port-free.ts'
import { freePort, lines, type RunningSteward, startSteward, tempHome } from './support/steward-process.ts'

// The whole of `steward dev`: the real web app (Next's production server over apps/web's build)
// against the embedded database.
describe('steward dev with the web app', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let steward: RunningSteward | undefined
  let port: number
  let redisUrl: string
  beforeEach(async () => {
    home = await tempHome()
    port = await freePort()
    redisUrl = `redis://127.0.0.1:${await freePort()}`
  })
  afterEach(async () => {
    await steward?.kill()
    steward = undefined
    await home.dispose()
  })

  const start = async () => {
    steward = startSteward(['dev'], { STEWARD_HOME: home.path, PORT: String(port), REDIS_URL: redisUrl })
    await steward.waitForOutput('press Ctrl-C', 180_000)
    return steward
  }

  it('serves the web app once its health answers, and stops it all on SIGINT', async () => {
    const dev = await start()
    expect(dev.stdout).toContain(`Steward is running: http://localhost:${port}`)
    expect(dev.stdout).toMatch(/^web │ /m)
    const health = await fetch(`http://127.0.0.1:${port}/api/health`)
    expect(health.status).toBeLessThan(600)
    await health.body?.cancel()

    dev.signal('SIGINT')
    const result = await dev.result
    expect(result.code).toBe(0)
    // The web server is gone with the port, and so is the Redis it started.
    await expect(assertPortFree(port)).resolves.toBeUndefined()
    expect((await pingRedis(redisUrl)).ok).toBe(false)
  }, 240_000)

  it('exits non-zero with the last lines when the web app dies on its own', async () => {
    const dev = await start()
    const pid = Number(/web: starting the production server on port \d+ \(pid (\d+)\)/.exec(dev.stdout)?.[1])
    expect(pid).toBeGreaterThan(0)
    process.kill(-pid, 'SIGKILL')

    const result = await dev.result
    expect(result.code).toBe(1)
    const errorLines = lines(result.stderr)
    expect(errorLines).toContain('web: exited on its own; its last lines:')
    expect(errorLines.at(-1)).toBe(
      'steward: the web app (next start) exited with signal SIGKILL: its last lines are above',
    )
    expect((await pingRedis(redisUrl)).ok).toBe(false)
  }, 240_000)
})
