import { randomBytes } from 'node:crypto'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { definePipeline, type Pipeline, step } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { maxErrorTextChars } from '../errors.ts'
import { createRun, startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import { RuntimeHarness, testProduct } from '../testing/runtime-harness.ts'

// Whatever a step produces is stored (NUL and lone surrogates as U+FFFD) or refused at once with an
// error that says why: never an attempt left `running` for the reconciler to call WORKER_LOST.
// The reconciler is off in these workers, so a finish that was not recorded shows as a wait timeout.

const nul = '\u0000'
const lone = '\uD83D'
const fffd = '\uFFFD'

describe.each(testBackends)('hostile step records on $name', (backend) => {
  let t: TestDatabase
  let h: RuntimeHarness | undefined
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterEach(async () => {
    await h?.dispose()
    h = undefined
  })
  afterAll(async () => {
    await t?.dispose()
  })

  async function runOne(pipeline: Pipeline, params: Record<string, unknown> = {}) {
    h = new RuntimeHarness(t.db)
    await h.deploy([pipeline])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: pipeline.id, params, trigger: 'manual' })
    const snapshot = await waitForRun(t.db, runId, { timeoutMs: 15_000 })
    const attempts = await t.db.selectFrom('attempts').selectAll().where('run_id', '=', runId).execute()
    return { ...snapshot, runId, attempts }
  }

  it('stores a step error quoting a NUL byte (the churn CSV header) and fails the run with it', async () => {
    const { run, steps, attempts } = await runOne(
      definePipeline({
        id: 'hostile.error',
        product: testProduct,
        steps: {
          read: step({
            run: async () => {
              throw new Error(`bad header "still,not${nul}valid" ${lone}`)
            },
          }),
        },
      }),
    )
    expect(run.status).toBe('failed')
    expect(steps[0]?.error?.message).toBe(`bad header "still,not${fffd}valid" ${fffd}`)
    expect(attempts[0]?.status).toBe('failed')
    expect(attempts[0]?.error?.code).not.toBe('WORKER_LOST')
  })

  it('stores logs, fields, metrics, labels, costs and outputs with NUL and lone surrogates replaced', async () => {
    const { run, steps, runId } = await runOne(
      definePipeline({
        id: 'hostile.records',
        product: testProduct,
        steps: {
          make: step({
            run: async (ctx) => {
              ctx.log.info(`line${nul}`, { [`key${nul}`]: [`v${lone}`], fine: '😀' })
              ctx.metric(`rows${nul}`, 3, { table: `x${nul}${lone}` })
              ctx.cost({ item: `scan${nul}`, usd: 0.5, quantity: 1, unit: `GB${lone}` })
              return { path: `/tmp/out${nul}`, [`k${lone}`]: 1 }
            },
          }),
        },
      }),
    )
    expect(steps[0]?.error).toBeNull()
    expect(run.status).toBe('succeeded')
    expect(steps[0]?.output).toEqual({ path: `/tmp/out${fffd}`, [`k${fffd}`]: 1 })
    const log = await t.db
      .selectFrom('logs')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow()
    expect(log.message).toBe(`line${fffd}`)
    expect(log.fields).toEqual({ [`key${fffd}`]: [`v${fffd}`], fine: '😀' })
    const metric = await t.db
      .selectFrom('metrics')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow()
    expect(metric.name).toBe(`rows${fffd}`)
    expect(metric.labels).toEqual({ table: `x${fffd}${fffd}` })
    const cost = await t.db
      .selectFrom('cost_entries')
      .selectAll()
      .where('run_id', '=', runId)
      .where('kind', '=', 'reported')
      .executeTakeFirstOrThrow()
    expect([cost.item, cost.unit]).toEqual([`scan${fffd}`, `GB${fffd}`])
  })

  it('stores params and an idempotency key holding NUL, on the plain path and the keyed one', async () => {
    h = new RuntimeHarness(t.db)
    await h.deploy([
      definePipeline({
        id: 'hostile.params',
        product: testProduct,
        params: z.object({ file: z.string() }),
        steps: { echo: step({ run: async (ctx) => ({ file: (ctx.params as { file: string }).file }) }) },
      }),
    ])
    await h.startWorker()
    const plain = await startRun(t.db, h.queue, {
      pipelineId: 'hostile.params',
      params: { file: `a${nul}b` },
      trigger: 'manual',
      triggerDetail: { via: `api${lone}` },
    })
    const keyed = await createRun(t.db, {
      pipelineId: 'hostile.params',
      params: { file: `c${nul}` },
      trigger: 'event',
      idempotencyKey: `id${nul}`,
    })
    const again = await createRun(t.db, {
      pipelineId: 'hostile.params',
      params: { file: `c${nul}` },
      trigger: 'event',
      idempotencyKey: `id${nul}`,
    })
    expect(again).toMatchObject({ runId: keyed.runId, created: false })
    const { run, steps } = await waitForRun(t.db, plain.runId, { timeoutMs: 15_000 })
    expect(run.params).toEqual({ file: `a${fffd}b` })
    expect(run.trigger_detail).toEqual({ via: `api${fffd}` })
    expect(steps[0]?.output).toEqual({ file: `a${fffd}b` })
    const stored = await t.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', keyed.runId)
      .executeTakeFirstOrThrow()
    expect(stored.params).toEqual({ file: `c${fffd}` })
  })

  const refusedOutputs: [string, () => unknown, RegExp][] = [
    ['a BigInt', () => ({ n: 1n }), /not JSON-serialisable.*BigInt/],
    [
      'a cycle',
      () => {
        const a: Record<string, unknown> = {}
        a.self = a
        return a
      },
      /not JSON-serialisable.*circular/i,
    ],
    ['too large', () => ({ data: 'x'.repeat(70_000) }), /bytes; at most 65536/],
  ]
  it.each(refusedOutputs)(
    'fails at once, not retried, for an output that is %s',
    async (_name, make, why) => {
      const { run, steps, attempts } = await runOne(
        definePipeline({
          id: 'hostile.output',
          product: testProduct,
          steps: { make: step({ retries: 2, run: async () => make() }) },
        }),
      )
      expect(run.status).toBe('failed')
      expect(steps[0]?.error).toMatchObject({
        code: 'STEP_OUTPUT_INVALID',
        message: expect.stringMatching(why),
      })
      expect(attempts).toHaveLength(1)
    },
  )

  it('fails at once, saying why, when the database refuses the record (a cost out of range)', async () => {
    const { run, steps, attempts, runId } = await runOne(
      definePipeline({
        id: 'hostile.refused',
        product: testProduct,
        steps: {
          spend: step({
            retries: 2,
            run: async (ctx) => {
              ctx.log.info('about to report a cost no column holds')
              ctx.cost({ item: 'galaxy', usd: 1e12 })
              return { ok: true }
            },
          }),
        },
      }),
    )
    expect(run.status).toBe('failed')
    expect(steps[0]?.error).toMatchObject({
      code: 'STEP_RECORD_REFUSED',
      message: expect.stringMatching(/refused to store.*output.*numeric field overflow.*22003/),
    })
    expect(attempts).toHaveLength(1)
    expect(attempts[0]?.status).toBe('failed')
    // The refused records are not half-written; the worker's compute cost is kept.
    const costs = await t.db.selectFrom('cost_entries').select('kind').where('run_id', '=', runId).execute()
    expect(costs.map((c) => c.kind)).toEqual(['compute'])
  })

  it('fails at once, saying why, for a metric name too long for its index', async () => {
    const name = randomBytes(15_000).toString('base64')
    const { run, steps, attempts } = await runOne(
      definePipeline({
        id: 'hostile.metric-name',
        product: testProduct,
        steps: { count: step({ retries: 2, run: async (ctx) => ctx.metric(name, 1) }) },
      }),
    )
    expect(run.status).toBe('failed')
    expect(steps[0]?.error).toMatchObject({
      code: 'STEP_RECORD_REFUSED',
      message: expect.stringMatching(/index row.*SQLSTATE 54000/),
    })
    expect(attempts).toHaveLength(1)
  })

  it('cuts an enormous error message and log line to a bound', async () => {
    const { steps, runId } = await runOne(
      definePipeline({
        id: 'hostile.huge',
        product: testProduct,
        steps: {
          loud: step({
            run: async (ctx) => {
              ctx.log.info('y'.repeat(1_000_000), { blob: 'z'.repeat(1_000_000) })
              throw new Error('x'.repeat(1_000_000))
            },
          }),
        },
      }),
    )
    const message = steps[0]?.error?.message ?? ''
    expect(message.length).toBeLessThan(maxErrorTextChars + 100)
    expect(message).toMatch(/more characters\)$/)
    const log = await t.db
      .selectFrom('logs')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow()
    expect(log.message.length).toBeLessThan(10_000)
    expect(log.fields).toEqual({ dropped: expect.stringMatching(/characters of JSON/) })
  })
})
