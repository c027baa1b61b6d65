import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { isNonRetryable } from '../errors.ts'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import { RuntimeHarness, testProduct, testQueueBackend } from '../testing/runtime-harness.ts'
import { createAttemptContext } from '../worker/attempt-context.ts'
import { MetricLabelSets } from './metric-label-sets.ts'

const contextFor = (labelSets: MetricLabelSets) =>
  createAttemptContext({
    params: {},
    runId: 'run-1',
    pipelineId: 'logs.hourly',
    stepId: 'extract',
    attempt: 1,
    signal: new AbortController().signal,
    labelSets,
  })

describe('metric labels', () => {
  it('keeps labels with each metric and refuses a metric past its distinct label sets, naming metric and label', () => {
    const { ctx, records } = contextFor(new MetricLabelSets(undefined, 3))
    for (const host of ['web-1', 'web-2', 'web-3']) ctx.metric('rows', 10, { host })
    // A set already seen, in any label order, and another metric, are not new sets of `rows`.
    ctx.metric('rows', 5, { host: 'web-1' })
    ctx.metric('bytes', 5, { host: 'web-4' })
    ctx.metric('rows', 100)
    let refused: unknown
    try {
      ctx.metric('rows', 1, { host: 'web-4' })
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(Error)
    expect(isNonRetryable(refused)).toBe(true)
    expect((refused as Error & { code: string }).code).toBe('METRIC_LABELS_REFUSED')
    expect((refused as Error).message).toContain('metric "rows" of pipeline logs.hourly')
    expect((refused as Error).message).toContain('already has 3 distinct label sets')
    expect((refused as Error).message).toContain('label "host" would have 4 values')
    expect((refused as Error).message).toContain('defaults.metricLabelSets in steward.config.ts')
    expect(records.metrics.map((m) => [m.name, m.value, m.labels])).toEqual([
      ['rows', 10, { host: 'web-1' }],
      ['rows', 10, { host: 'web-2' }],
      ['rows', 10, { host: 'web-3' }],
      ['rows', 5, { host: 'web-1' }],
      ['bytes', 5, { host: 'web-4' }],
      ['rows', 100, {}],
    ])
  })

  it('names the label with the most values when a set has several', () => {
    const { ctx } = contextFor(new MetricLabelSets(undefined, 2))
    ctx.metric('rows', 1, { region: 'eu', user_id: 'u_1' })
    ctx.metric('rows', 1, { user_id: 'u_2', region: 'eu' })
    expect(() => ctx.metric('rows', 1, { region: 'eu', user_id: 'u_3' })).toThrow(
      /label "user_id" would have 3 values/,
    )
  })

  it('refuses malformed labels with the metric and the label in the message', () => {
    const { ctx } = contextFor(new MetricLabelSets())
    expect(() => ctx.metric('rows', 1, { 'host name': 'web-1' })).toThrow(
      `ctx.metric('rows', …, {"host name":"web-1"}): label "host name" must be letters, digits and "_"`,
    )
    expect(() => ctx.metric('rows', 1, { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' })).toThrow(
      /6 labels; a metric takes at most 5/,
    )
  })
})

describe.each(testBackends)('labelled metrics on $name', (backend) => {
  let t: TestDatabase
  let h: RuntimeHarness | undefined
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterEach(async () => {
    await h?.dispose()
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('stores the label sets with the metrics, and a later run past the limit fails without retry', async () => {
    const perHost = definePipeline({
      id: 'test.per-host',
      product: testProduct,
      params: z.object({ hosts: z.array(z.string()) }),
      steps: (s) =>
        s.step('count', {
          retries: 2,
          run: async (ctx) => {
            for (const host of ctx.params.hosts) ctx.metric('rows', 7, { host })
            ctx.metric('rows', 7 * ctx.params.hosts.length)
            return null
          },
        }),
    })
    const harness = new RuntimeHarness(t.db, testQueueBackend('postgres', t))
    h = harness
    await harness.deploy([perHost])
    await harness.startWorker({ metricLabelSets: 3 })
    const run = async (hosts: string[]) => {
      const { runId } = await startRun(t.db, harness.queue, {
        pipelineId: 'test.per-host',
        params: { hosts },
        trigger: 'manual',
        definition: perHost,
      })
      return waitForRun(t.db, runId, { timeoutMs: 15_000 })
    }
    expect((await run(['web-1', 'web-2'])).run.status).toBe('succeeded')
    expect((await run(['web-2', 'web-3'])).run.status).toBe('succeeded')
    const sets = await t.db
      .selectFrom('metric_label_sets')
      .select(['metric', 'labels'])
      .where('pipeline_id', '=', 'test.per-host')
      .execute()
    expect(sets.map((s) => s.labels.host).sort()).toEqual(['web-1', 'web-2', 'web-3'])
    const labels = await t.db
      .selectFrom('metrics')
      .select('labels')
      .where('pipeline_id', '=', 'test.per-host')
      .orderBy('id')
      .execute()
    expect(labels.map((m) => m.labels.host ?? '')).toEqual(['web-1', 'web-2', '', 'web-2', 'web-3', ''])

    // A fourth host: the worker knows the first three from SQL and its own runs, so the step fails once.
    const refused = await run(['web-1', 'web-4'])
    expect(refused.run.status).toBe('failed')
    const step = refused.steps[0]
    expect(step?.attempt_count).toBe(1)
    expect(step?.error).toMatchObject({ code: 'METRIC_LABELS_REFUSED' })
    expect(JSON.stringify(step?.error)).toContain(
      'of pipeline test.per-host already has 3 distinct label sets',
    )
  })

  it('a new worker reads the label sets other workers wrote', async () => {
    await t.db
      .insertInto('metric_label_sets')
      .values(
        ['a', 'b'].map((host) => ({ pipeline_id: 'other', metric: 'rows', labels: `{"host":"${host}"}` })),
      )
      .execute()
    const sets = new MetricLabelSets(t.db, 2)
    await sets.load('other')
    expect(() => sets.admit('other', 'rows', { host: 'a' })).not.toThrow()
    expect(() => sets.admit('other', 'rows', { host: 'c' })).toThrow(/already has 2 distinct label sets/)
  })
})
