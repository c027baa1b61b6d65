import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clearTestQueue,
  type RunningSteward,
  runSteward,
  startSteward,
  tempHome,
} from './support/steward-process.ts'

const fixture = fileURLToPath(new URL('./fixtures/reload/', import.meta.url))
const nodeModules = fileURLToPath(new URL('../../../node_modules', import.meta.url))
const postgres = testBackends.find((backend) => backend.name === 'postgres')

// steward dev on the machine's PostgreSQL (a database of its own), so the test reads step outputs and
// the dev loop's row with SQL while dev runs; the queue on Redis, under this file's prefix.
describe.skipIf(!postgres)('steward dev reloads on save', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let project: string
  let database: TestDatabase
  let dev: RunningSteward
  let env: Record<string, string>

  beforeAll(async () => {
    home = await tempHome()
    database = await (postgres?.open() as Promise<TestDatabase>)
    // A copy outside the repository, set up as a user's project is: its own package.json, and the
    // packages in node_modules.
    project = await mkdtemp(join(tmpdir(), 'steward-reload-project-'))
    await cp(fixture, project, { recursive: true })
    await writeFile(join(project, 'package.json'), '{ "type": "module", "private": true }\n')
    await symlink(nodeModules, join(project, 'node_modules'))
    env = { STEWARD_HOME: home.path, DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379' }
    dev = startSteward(['dev', '--no-web', '--config', join(project, 'steward.config.ts')], env)
    await dev.waitForOutput('press Ctrl-C', 120_000)
  }, 180_000)
  afterAll(async () => {
    await dev?.kill()
    await database?.dispose()
    await home?.dispose()
    await rm(project, { recursive: true, force: true })
    await clearTestQueue()
  })

  /** Saves `file` with `from` replaced by `to`, and waits for dev's reload to end; returns how long it took. */
  async function save(file: string, from: string, to: string, done: string): Promise<number> {
    const path = join(project, file)
    const text = await readFile(path, 'utf8')
    if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`)
    const before = { out: dev.stdout.length, err: dev.stderr.length }
    const savedAt = Date.now()
    await writeFile(path, text.replace(from, to))
    const deadline = savedAt + 10_000
    while (!`${dev.stdout.slice(before.out)}${dev.stderr.slice(before.err)}`.includes(done)) {
      if (Date.now() > deadline) {
        throw new Error(`no "${done}" after saving ${file}\nstdout:\n${dev.stdout}\nstderr:\n${dev.stderr}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return Date.now() - savedAt
  }

  async function startRun(holdMs = 0): Promise<string> {
    const run = await runSteward(['run', 'reload.answer', '--param', `holdMs=${holdMs}`], env)
    expect(run.stderr).toBe('')
    const id = run.stdout.match(/^run ([0-9a-f-]{36}) queued$/m)?.[1]
    if (!id) throw new Error(`no run id in ${run.stdout}`)
    return id
  }

  /** The output of a run's `answer` step once the run ended. */
  async function answerOf(runId: string): Promise<unknown> {
    const deadline = Date.now() + 30_000
    for (;;) {
      const run = await database.db
        .selectFrom('runs')
        .select('status')
        .where('id', '=', runId)
        .executeTakeFirst()
      if (run?.status === 'succeeded' || run?.status === 'failed') break
      if (Date.now() > deadline) throw new Error(`run ${runId} did not end: ${run?.status}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const step = await database.db
      .selectFrom('step_runs')
      .select(['status', 'output', 'error'])
      .where('run_id', '=', runId)
      .where('step_id', '=', 'answer')
      .executeTakeFirstOrThrow()
    return step.status === 'succeeded' ? step.output : step
  }

  const devLoop = () => database.db.selectFrom('dev_loops').selectAll().executeTakeFirst()

  it('reloads a change to a file a definition imports within 2 s; the next run uses it', async () => {
    expect(await answerOf(await startRun())).toEqual({ answer: 1, code: 1 })
    const took = await save('lib/answer.ts', 'return 1', 'return 2', 'reload: the worker runs the new code')
    expect(took).toBeLessThan(2000)
    expect(await answerOf(await startRun())).toEqual({ answer: 2, code: 1 })
    expect(await devLoop()).toMatchObject({ problem: null, last_good_at: expect.any(Date) })
  })

  it('lets a run in flight finish on its version while the next run uses the new one', async () => {
    const inFlight = await startRun(4000)
    // Its first step is running: the run is on the version deployed before the save.
    for (let tries = 0; ; tries++) {
      const step = await database.db
        .selectFrom('step_runs')
        .select('status')
        .where('run_id', '=', inFlight)
        .where('step_id', '=', 'wait')
        .executeTakeFirst()
      if (step?.status === 'running') break
      if (tries > 200) throw new Error('the slow step never started')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await save('defs.ts', 'code: 1', 'code: 2', 'reload: the worker runs the new code')
    expect(dev.stdout).toContain('deploy: reload.answer is now version 2')
    const next = await startRun()
    expect(await answerOf(next)).toEqual({ answer: 2, code: 2 })
    expect(await answerOf(inFlight)).toEqual({ answer: 2, code: 1 })
    const versions = await database.db
      .selectFrom('runs')
      .select(['id', 'pipeline_version'])
      .where('id', 'in', [inFlight, next])
      .execute()
    expect(Object.fromEntries(versions.map((run) => [run.id, run.pipeline_version]))).toEqual({
      [inFlight]: 1,
      [next]: 2,
    })
  })

  it('reports an invalid save with file and line, keeps the last good version running, and clears it on the next good save', async () => {
    await save('lib/answer.ts', '  return 2\n', '  return 2 +\n', 'fix it and save again')
    expect(dev.stderr).toMatch(
      /^reload: lib\/answer\.ts:4: failed to import \(imported by defs\.ts\): .*ERROR/m,
    )
    expect(await devLoop()).toMatchObject({
      problem: expect.stringMatching(/^lib\/answer\.ts:4: failed to import/),
      problem_file: 'lib/answer.ts',
      problem_line: 4,
      last_good_at: expect.any(Date),
    })
    expect(await answerOf(await startRun())).toEqual({ answer: 2, code: 2 })

    // A throwing import, then a validation error: each reported, nothing changes.
    await save(
      'lib/answer.ts',
      '  return 2 +\n',
      '  return 2\n}\nthrow new Error("no answer today")\n{\n',
      'fix it and save again',
    )
    expect(dev.stderr).toMatch(
      /^reload: lib\/answer\.ts:5: failed to import \(imported by defs\.ts\): no answer today$/m,
    )
    await save(
      'lib/answer.ts',
      '}\nthrow new Error("no answer today")\n{\n',
      '',
      'reload: the worker runs the new code',
    )
    await save('defs.ts', "slack: '#data'", "slack: 'data'", 'fix it and save again')
    expect(await devLoop()).toMatchObject({
      problem_file: 'defs.ts',
      problem: expect.stringContaining('slack'),
    })
    expect(await answerOf(await startRun())).toEqual({ answer: 2, code: 2 })

    await save('defs.ts', "slack: 'data'", "slack: '#data'", 'reload: the worker runs the new code')
    expect(await devLoop()).toMatchObject({ problem: null, problem_file: null, problem_line: null })
  })
})
