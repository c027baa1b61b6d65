import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clearTestQueue,
  lines,
  type RunningSteward,
  runSteward,
  stackLine,
  startSteward,
  tempHome,
} from './support/steward-process.ts'

const config = fileURLToPath(new URL('./fixtures/partitioned/steward.config.ts', import.meta.url))

describe('steward backfill and run --partition', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let dev: RunningSteward
  let env: Record<string, string>
  beforeAll(async () => {
    home = await tempHome()
    env = { STEWARD_HOME: home.path, REDIS_URL: 'redis://127.0.0.1:6379' }
    dev = startSteward(['dev', '--no-web', '--no-first-runs', '--config', config], env)
    await dev.waitForOutput('press Ctrl-C')
  })
  afterAll(async () => {
    await dev?.kill()
    await home?.dispose()
    await clearTestQueue()
  })

  it('runs one named partition, and rejects a key that is not one, in one line', async () => {
    const good = await runSteward(['run', 'fixture.daily', '--partition', '2026-11-02', '--wait'], env)
    expect(good.stderr).toBe('')
    expect(good.stdout).toMatch(/^run [0-9a-f-]{36} of partition 2026-11-02 queued$/m)
    expect(good.code).toBe(0)
    const bad = await runSteward(['run', 'fixture.daily', '--partition', '2026-11-31'], env)
    expect(bad.code).toBe(1)
    expect(lines(bad.stderr)).toEqual([
      'steward: pipeline fixture.daily › partition: "2026-11-31" is not a date on the calendar: write it like "2026-11-02"',
    ])
  })

  it('follows a backfill with progress; interrupted, the backfill goes on and --follow picks it up to the end', async () => {
    const cli = startSteward(
      ['backfill', 'fixture.daily', '--from', '2026-10-01', '--to', '2026-10-31', '--concurrency', '4'],
      env,
    )
    await cli.waitForOutput('31 partition(s) (2026-10-01 … 2026-10-31), 4 at a time')
    const id = cli.stdout.match(/^backfill ([0-9a-f-]{36}):/m)?.[1] ?? ''
    // Progress lines (not a terminal: one per change of the counts); interrupt at the first.
    await cli.waitForOutput('/31 · ✓ ')
    cli.signal('SIGINT')
    const interrupted = await cli.result
    expect(interrupted.code).toBe(1)
    expect(lines(interrupted.stderr)).toEqual([
      `steward: stopped following; backfill ${id} goes on in the workers: steward backfill --follow ${id} (or --cancel ${id})`,
    ])
    expect(interrupted.stdout).toMatch(/^[█░]{24} \d+\/31 · ✓ \d+ ✗ 0 ▶ \d+ … \d+/m)

    const resumed = await runSteward(['backfill', '--follow', id], env)
    expect(resumed.stderr).toBe('')
    expect(resumed.code).toBe(0)
    expect(resumed.stdout).toContain(`backfill ${id} succeeded: 31 run(s)`)
    expect(resumed.stdout).toMatch(/^█{24} 31\/31 · ✓ 31 ✗ 0 ▶ 0 … 0/m)

    const again = await runSteward(
      ['backfill', 'fixture.daily', '--from', '2026-10-01', '--to', '2026-10-31', '--only-missing'],
      env,
    )
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(': 0 partition(s), 4 at a time')
  })

  it('says what is wrong with a backfill in one line', async () => {
    const result = await runSteward(
      ['backfill', 'fixture.daily', '--from', '2026-10-31', '--to', '2026-10-01'],
      env,
    )
    expect(result.code).toBe(1)
    expect(lines(result.stderr)).toEqual([
      'steward: pipeline fixture.daily › backfill range: "2026-10-01" is before "2026-10-31"',
    ])
    expect(result.stderr).not.toMatch(stackLine)
  })
})
