import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { createRun } from '@steward/engine'
import { RuntimeHarness, testProduct } from '@steward/engine/testing'
import { definePipeline } from '@steward/pipelines'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { clearTestQueue, lines, runSteward, stackLine } from './support/steward-process.ts'

/** `steward runs list|cancel|retry` through the real binary, against a PostgreSQL test database. */
const notes = definePipeline({
  id: 'cli.notes',
  product: testProduct,
  params: z.object({ note: z.string() }),
  steps: (s) => s.step('write', { run: async (ctx) => ({ note: ctx.params.note }) }),
})

interface Listed {
  runs: { id: string; status: string; pipelineId: string }[]
  nextCursor: string | null
}

describe('steward runs', () => {
  const postgres = testBackends.find((backend) => backend.name === 'postgres') ?? testBackends[0]
  let database: TestDatabase
  let harness: RuntimeHarness
  const runIds: string[] = []
  beforeAll(async () => {
    if (!postgres) throw new Error('no test backend')
    database = await postgres.open()
    await migrateToLatest(database.db)
    harness = await new RuntimeHarness(database.db).deploy([notes])
    for (let i = 0; i < 3; i++)
      runIds.unshift(
        (await createRun(database.db, { pipelineId: notes.id, params: { note: `n${i}` }, trigger: 'manual' }))
          .runId,
      )
  })
  afterAll(async () => {
    await harness?.dispose()
    await database?.dispose()
    await clearTestQueue()
  })
  const env = () => ({ DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379' })

  it('lists runs a page at a time, and cancels and retries one', async () => {
    const first = await runSteward(['runs', 'list', '--pipeline', notes.id, '--limit', '2', '--json'], env())
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const page = JSON.parse(first.stdout) as Listed
    expect(page.runs.map((run) => run.id)).toEqual(runIds.slice(0, 2))
    expect(page.nextCursor).toEqual(expect.any(String))
    const second = await runSteward(
      ['runs', 'list', '--pipeline', notes.id, '--limit', '2', '--cursor', page.nextCursor ?? ''],
      env(),
    )
    expect(second.code).toBe(0)
    expect(lines(second.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${runIds[2]}  cli\\.notes  queued {5}manual {4}\\S+Z  -$`)),
    ])

    const target = runIds[0] as string
    const cancelled = await runSteward(['runs', 'cancel', target], env())
    expect([cancelled.code, cancelled.stderr, cancelled.stdout]).toEqual([0, '', `run ${target} cancelled\n`])
    const again = await runSteward(['runs', 'cancel', target], env())
    expect(again.stdout).toBe(`run ${target} had already ended: cancelled\n`)

    const retried = await runSteward(['runs', 'retry', target], env())
    expect(retried.stderr).toBe('')
    expect(retried.code).toBe(0)
    const newRun = retried.stdout.match(/^run ([0-9a-f-]{36}) retries /)?.[1]
    expect(retried.stdout).toBe(`run ${newRun} retries ${target}: runs write again; reuses nothing\n`)
    const run = await database.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', newRun ?? '')
      .executeTakeFirst()
    expect(run).toMatchObject({ status: 'queued', params: { note: 'n2' } })

    const cancelledOnly = JSON.parse(
      (await runSteward(['runs', 'list', '--status', 'cancelled', '--json'], env())).stdout,
    ) as Listed
    expect(cancelledOnly.runs.map((r) => r.id)).toEqual([target])
  }, 120_000)

  it('says in one line what is wrong: unknown run, a run that did not fail, bad options', async () => {
    const unknown = await runSteward(['runs', 'cancel', '00000000-0000-4000-8000-000000000000'], env())
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      'steward: no run 00000000-0000-4000-8000-000000000000\n',
    ])
    const notAnId = await runSteward(['runs', 'retry', 'yesterday'], env())
    expect([notAnId.code, notAnId.stderr]).toEqual([
      1,
      'steward: no run yesterday: run ids look like 0b7c2f1e-… (steward runs list)\n',
    ])
    const notFailed = await runSteward(['runs', 'retry', runIds[1] as string], env())
    expect(notFailed.code).toBe(1)
    expect(lines(notFailed.stderr)).toEqual([
      `steward: run ${runIds[1]} is queued: only a failed or cancelled run can be retried`,
    ])
    const status = await runSteward(['runs', 'list', '--status', 'done'], env())
    expect(status.code).toBe(1)
    expect(lines(status.stderr)).toEqual([
      expect.stringMatching(
        /^steward: .*--status.*expected statuses among queued, running, succeeded, failed, cancelled \(got "done"\)/,
      ),
    ])
    const cursor = await runSteward(['runs', 'list', '--cursor', 'nope'], env())
    expect([cursor.code, cursor.stderr]).toEqual([
      1,
      'steward: --cursor "nope" is not a cursor steward runs list printed\n',
    ])
    for (const result of [unknown, notAnId, notFailed, status, cursor])
      expect(result.stderr).not.toMatch(stackLine)
  }, 120_000)
})
