import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearTestQueue, lines, runSteward, stackLine, startSteward } from './support/steward-process.ts'

const fixtures = fileURLToPath(new URL('../../engine/src/loader/fixtures/', import.meta.url))
const basic = join(fixtures, 'basic', 'steward.config.ts')
const broken = join(fixtures, 'broken', 'steward.config.ts')

describe('steward validate', () => {
  it('accepts a valid project and counts what it found', async () => {
    const result = await runSteward(['validate', '--config', basic], {})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^valid: 2 products, 2 pipelines, 4 steps in 3 files/m)
  })

  it('lists every problem, one line each naming file, definition and field', async () => {
    const result = await runSteward(['validate', '--config', broken], {})
    expect(result.code).toBe(1)
    const [first, ...problems] = lines(result.stderr)
    expect(first).toMatch(/^steward: \d+ problems in the definitions:$/)
    expect(problems.length).toBe(Number(first?.match(/(\d+) problems/)?.[1]))
    expect(problems).toContain(
      '  pipelines.defs.ts › pipeline signup-funnel.build › steps: the steps form a cycle: extract → funnel → extract',
    )
    expect(
      problems.some((l) => l.includes('› schedule.timezone: "Asia/Seol" is not an IANA time zone')),
    ).toBe(true)
    expect(result.stderr).not.toMatch(stackLine)
  })

  it('finds steward.config.ts by walking up from the working directory', async () => {
    const result = await runSteward(['validate'], {}, { cwd: join(fixtures, 'basic', 'pipelines') })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^valid: 2 products, 2 pipelines, 4 steps in 3 files \(steward\.config\.ts\)$/m,
    )
  })

  it('with no project here or above, says where it looked and suggests steward init, in one line', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'steward-no-project-'))
    try {
      for (const command of ['validate', 'deploy', 'worker']) {
        const result = await runSteward([command], {}, { cwd: empty })
        expect(result.code).toBe(1)
        expect(lines(result.stderr)).toEqual([
          `steward: no steward.config.ts in ${empty} or any parent folder: run npx steward init to make a project here, or pass --config <file>`,
        ])
      }
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('names a missing config file in one line', async () => {
    const result = await runSteward(['validate', '--config', join(fixtures, 'nowhere.config.ts')], {})
    expect(result.code).toBe(1)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^steward: .*nowhere\.config\.ts does not exist/),
    ])
  })
})

describe('steward deploy and list', () => {
  let home: string
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'steward-cli-deploy-'))
  })
  afterAll(async () => {
    await rm(home, { recursive: true, force: true })
    await clearTestQueue()
  })

  it('syncs the catalog, then finds nothing to change, and lists what is deployed', async () => {
    const env = { STEWARD_HOME: home }
    const first = await runSteward(['deploy', '--config', basic], env)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('deploy: products created app-activity-counts, weekly-signup-funnel')
    expect(first.stdout).toContain('deploy: signup-funnel.build is now version 1')
    expect(first.stdout).toContain('schedules: 2 active, 0 removed')

    const again = await runSteward(['deploy', '--config', basic], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('deploy: pipelines 2 unchanged')
    expect(again.stdout).not.toContain('is now version')

    const listed = await runSteward(['list', '--json'], env)
    expect(listed.code).toBe(0)
    const catalog = JSON.parse(listed.stdout) as {
      id: string
      pipelines: { id: string; schedule: string }[]
    }[]
    expect(catalog.map((p) => p.id)).toEqual(['app-activity-counts', 'weekly-signup-funnel'])
    expect(catalog[1]?.pipelines[0]).toMatchObject({
      id: 'signup-funnel.build',
      schedule: '0 6 * * 1 (Asia/Seoul)',
    })
  })

  it('pauses and resumes a schedule: steward list shows it, a deploy keeps it, bad names get one line', async () => {
    const env = { STEWARD_HOME: home }
    const paused = await runSteward(['schedules', 'pause', 'signup-funnel.build'], env)
    expect(paused.stderr).toBe('')
    expect(paused.stdout).toMatch(
      /^signup-funnel\.build: schedule 0 6 \* \* 1 \(Asia\/Seoul\) paused since \S+ by cli:/,
    )
    const table = await runSteward(['list'], env)
    expect(table.stdout).toMatch(
      /signup-funnel\.build {2}v1 {2}0 6 \* \* 1 \(Asia\/Seoul\) PAUSED {2}last run/,
    )
    const redeployed = await runSteward(['deploy', '--config', basic], env)
    expect(redeployed.stdout).toContain('schedules: 1 active, 0 removed')
    const listed = JSON.parse((await runSteward(['list', '--json'], env)).stdout) as {
      pipelines: { id: string; schedulePausedAt: string | null }[]
    }[]
    expect(listed[1]?.pipelines[0]?.schedulePausedAt).not.toBeNull()

    const resumed = await runSteward(['schedules', 'resume', 'signup-funnel.build'], env)
    expect(resumed.stdout).toBe('signup-funnel.build: schedule 0 6 * * 1 (Asia/Seoul) running\n')
    expect((await runSteward(['list'], env)).stdout).not.toContain('PAUSED')

    const unknown = await runSteward(['schedules', 'pause', 'no.such.pipeline'], env)
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      'steward: no pipeline "no.such.pipeline" in the deployed catalog\n',
    ])
    // Seven commands, each opening the embedded database.
  }, 180_000)

  it('deploys nothing when validation fails', async () => {
    const env = { STEWARD_HOME: home }
    const result = await runSteward(['deploy', '--config', broken], env)
    expect(result.code).toBe(1)
    const listed = await runSteward(['list', '--json'], env)
    const catalog = JSON.parse(listed.stdout) as { id: string }[]
    expect(catalog.map((p) => p.id)).toEqual(['app-activity-counts', 'weekly-signup-funnel'])
  })
})

describe.each(['redis', 'postgres'])('steward worker and steward run on the %s queue', (queue) => {
  let home: string
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'steward-cli-run-'))
    const deployed = await runSteward(['deploy', '--config', basic], {
      STEWARD_HOME: home,
      STEWARD_QUEUE: queue,
    })
    expect(deployed.code).toBe(0)
    expect(deployed.stdout).toContain(`queue: ${queue}`)
  })
  afterAll(async () => {
    await rm(home, { recursive: true, force: true })
    await clearTestQueue()
  })

  it('runs a pipeline on a worker and follows it to success; stops the worker gracefully', async () => {
    const env = { STEWARD_HOME: home, STEWARD_QUEUE: queue }
    const worker = startSteward(['worker', '--config', basic, '--concurrency', '2'], env)
    try {
      await worker.waitForOutput('running 2 pipelines')
      expect(worker.stdout).toContain(`queue: ${queue}`)
      const run = await runSteward(['run', 'signup-funnel.build', '--param', 'weeks=3', '--wait'], env)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^run [0-9a-f-]{36} queued$/m)
      expect(run.stdout).toMatch(/succeeded\s+✓ funnel\s+✓ sequences/)
      expect(run.stdout).toMatch(/^run [0-9a-f-]{36} succeeded in [\d.]+ s$/m)

      const listed = await runSteward(['list', '--json'], env)
      const catalog = JSON.parse(listed.stdout) as {
        pipelines: { id: string; lastRun: { status: string } | null }[]
      }[]
      const funnel = catalog.flatMap((p) => p.pipelines).find((p) => p.id === 'signup-funnel.build')
      expect(funnel?.lastRun?.status).toBe('succeeded')
    } finally {
      worker.signal('SIGTERM')
    }
    const stopped = await worker.result
    expect(stopped.code).toBe(0)
    expect(worker.stdout).toContain('worker: stopped')
  })

  it('refuses a param of the wrong type and an unknown pipeline, one line each, creating no run', async () => {
    const env = { STEWARD_HOME: home, STEWARD_QUEUE: queue }
    const bad = await runSteward(['run', 'signup-funnel.build', '--param', 'weeks=many'], env)
    expect(bad.code).toBe(1)
    expect(lines(bad.stderr)).toEqual([
      'steward: --param weeks: "many" is not a number (pipeline signup-funnel.build)',
    ])
    const unknown = await runSteward(['run', 'no.such.pipeline'], env)
    expect(unknown.code).toBe(1)
    expect(lines(unknown.stderr)).toEqual([
      'steward: no deployed pipeline "no.such.pipeline": steward list shows them',
    ])
  })
})

describe('steward dev with a project', () => {
  it('deploys it, syncs its schedules and runs its steps on the in-process worker', async () => {
    const home = await mkdtemp(join(tmpdir(), 'steward-cli-dev-project-'))
    const env = { STEWARD_HOME: home }
    const dev = startSteward(['dev', '--no-web', '--config', basic], env)
    try {
      await dev.waitForOutput('Steward is running')
      expect(dev.stdout).toContain('deploy: products created app-activity-counts, weekly-signup-funnel')
      expect(dev.stdout).toContain('schedules: 2 active, 0 removed')
      expect(dev.stdout).toMatch(/worker: running in this process/)

      const run = await runSteward(['run', 'app-activity.counts', '--wait'], env)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/succeeded\s+✓ count\s+✓ parse/)
    } finally {
      dev.signal('SIGINT')
      const stopped = await dev.result
      expect(stopped.code).toBe(0)
      await rm(home, { recursive: true, force: true })
      await clearTestQueue()
    }
  })
})
