import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { isStewardError } from '@steward/kernel'
import type { Partition } from '@steward/pipelines'
import {
  afterSuccessOf,
  dailyPartitions,
  definePipeline,
  defineProduct,
  staticPartitions,
  weeklyPartitions,
} from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { compileCatalog } from '../deploy/compile-catalog.ts'
import { deployCatalog } from '../deploy/deploy-catalog.ts'
import { createProject } from '../loader/create-project.ts'
import { aborted, RuntimeHarness, sleep, testProduct } from '../testing/runtime-harness.ts'
import { getBackfillProgress } from './backfill-progress.ts'
import { cancelBackfill } from './cancel-backfill.ts'
import { startBackfill } from './create-backfill.ts'
import { startRun } from './create-run.ts'
import { waitForRun } from './follow-run.ts'
import { findMissingPartitions } from './partition-freshness.ts'
import { getPartitionStatuses } from './partition-status.ts'

const berlinDays = dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Berlin' })

async function waitForBackfill(t: TestDatabase, backfillId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const progress = await getBackfillProgress(t.db, backfillId)
    if (progress.done) return progress
    if (Date.now() > deadline) throw new Error(`backfill still running: ${JSON.stringify(progress)}`)
    await sleep(50)
  }
}

describe.each(testBackends)('partitions and backfills on $name', (backend) => {
  let t: TestDatabase
  let h: RuntimeHarness
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

  it('gives a run its partition window in ctx.partition, and rejects a key that is not a partition', async () => {
    const seen: Partition[] = []
    const daily = definePipeline({
      id: 'test.daily',
      product: testProduct,
      partitions: berlinDays,
      steps: (s) => s.step('load', { run: (ctx) => void seen.push(ctx.partition) }),
    })
    h = new RuntimeHarness(t.db)
    await h.deploy([daily])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: 'test.daily',
      trigger: 'manual',
      partitionKey: '2026-03-29',
    })
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    expect(run.partition_key).toBe('2026-03-29')
    expect(seen).toEqual([
      { key: '2026-03-29', start: new Date('2026-03-28T23:00:00Z'), end: new Date('2026-03-29T22:00:00Z') },
    ])
    const error = await startRun(t.db, h.queue, {
      pipelineId: 'test.daily',
      trigger: 'manual',
      partitionKey: '2026-3-29',
    }).catch((e: unknown) => e)
    expect(isStewardError(error) && error.message).toBe(
      'pipeline test.daily › partition: "2026-3-29" is not a day partition key: write it like "2026-11-02"',
    )
  })

  it('backfills 31 days never more than 4 at once, then --only-failed reruns exactly the failed ones', async () => {
    let running = 0
    let peak = 0
    const failOnce = new Set(['2026-10-03', '2026-10-17', '2026-10-30'])
    const daily = definePipeline({
      id: 'test.backfilled',
      product: testProduct,
      partitions: berlinDays,
      steps: (s) =>
        s.step('load', {
          run: async (ctx) => {
            running += 1
            peak = Math.max(peak, running)
            // Long enough that admitted runs overlap even on a loaded machine.
            await sleep(150)
            running -= 1
            if (failOnce.delete(ctx.partition.key)) throw new Error(`bad data for ${ctx.partition.key}`)
            ctx.metric('rows', 100)
          },
        }),
    })
    h = new RuntimeHarness(t.db)
    await h.deploy([daily])
    await h.startWorker({ concurrency: 10 })
    const created = await startBackfill(t.db, h.queue, {
      pipelineId: 'test.backfilled',
      from: '2026-10-01',
      to: '2026-10-31',
      concurrency: 4,
    })
    expect(created.partitions).toHaveLength(31)
    expect(created.enqueue).toHaveLength(4)
    const first = await waitForBackfill(t, created.backfillId)
    expect(peak).toBeLessThanOrEqual(4)
    expect(peak).toBeGreaterThan(1)
    expect([first.backfill.status, first.succeeded, first.failed]).toEqual(['failed', 28, 3])

    const retry = await startBackfill(t.db, h.queue, {
      pipelineId: 'test.backfilled',
      from: '2026-10-01',
      to: '2026-10-31',
      mode: 'only-failed',
    })
    expect(retry.partitions).toEqual(['2026-10-03', '2026-10-17', '2026-10-30'])
    const second = await waitForBackfill(t, retry.backfillId)
    expect([second.backfill.status, second.succeeded]).toEqual(['succeeded', 3])
    const statuses = await getPartitionStatuses(t.db, 'test.backfilled')
    expect(statuses).toHaveLength(31)
    expect(statuses.every((s) => s.status === 'succeeded' && s.metrics.rows === 100)).toBe(true)
    const some = await getPartitionStatuses(t.db, 'test.backfilled', { keys: ['2026-10-03', '2026-09-30'] })
    expect(some.map((s) => s.key)).toEqual(['2026-10-03'])
    const missing = await startBackfill(t.db, h.queue, {
      pipelineId: 'test.backfilled',
      from: '2026-09-30',
      to: '2026-10-31',
      mode: 'only-missing',
    })
    expect(missing.partitions).toEqual(['2026-09-30'])
  })

  it('runs a week after its seventh day succeeds, not before, and cascades a backfill downstream in order', async () => {
    const order: string[] = []
    const daily = definePipeline({
      id: 'test.days',
      product: testProduct,
      partitions: dailyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
      steps: (s) => s.step('count', { run: (ctx) => void order.push(`day ${ctx.partition.key}`) }),
    })
    const weekly = definePipeline({
      id: 'test.weeks',
      product: testProduct,
      partitions: weeklyPartitions({ start: '2026-01-05', timezone: 'UTC' }),
      triggers: [afterSuccessOf(daily)],
      steps: (s) => s.step('funnel', { run: (ctx) => void order.push(`week ${ctx.partition.key}`) }),
    })
    h = new RuntimeHarness(t.db)
    await h.deploy([daily, weekly])
    await h.startWorker({ concurrency: 4 })
    // Six days of the week of Monday 2026-11-02: no weekly run yet.
    for (const day of ['02', '03', '04', '05', '06', '07']) {
      const { runId } = await startRun(t.db, h.queue, {
        pipelineId: 'test.days',
        trigger: 'manual',
        partitionKey: `2026-11-${day}`,
      })
      await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    }
    const weeklyRuns = () =>
      t.db
        .selectFrom('runs')
        .select(['partition_key', 'status'])
        .where('pipeline_id', '=', 'test.weeks')
        .execute()
    expect(await weeklyRuns()).toEqual([])
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: 'test.days',
      trigger: 'manual',
      partitionKey: '2026-11-08',
    })
    await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    const deadline = Date.now() + 10_000
    while ((await weeklyRuns()).every((r) => r.status !== 'succeeded') && Date.now() < deadline)
      await sleep(50)
    expect(await weeklyRuns()).toEqual([{ partition_key: '2026-11-02', status: 'succeeded' }])

    // A plain backfill does not touch the weeks; a cascading one reruns each week after its days.
    order.length = 0
    const plain = await startBackfill(t.db, h.queue, {
      pipelineId: 'test.days',
      from: '2026-11-02',
      to: '2026-11-03',
    })
    await waitForBackfill(t, plain.backfillId)
    expect(order.filter((line) => line.startsWith('week'))).toEqual([])
    order.length = 0
    const cascade = await startBackfill(t.db, h.queue, {
      pipelineId: 'test.days',
      from: '2026-11-09',
      to: '2026-11-22',
      concurrency: 2,
      withDownstream: true,
    })
    const done = await waitForBackfill(t, cascade.backfillId)
    expect([done.backfill.status, done.succeeded, done.total]).toEqual(['succeeded', 16, 16])
    const weekAt = (key: string) => order.indexOf(`week ${key}`)
    const lastDayAt = (days: string[]) => Math.max(...days.map((d) => order.indexOf(`day 2026-11-${d}`)))
    expect(weekAt('2026-11-09')).toBeGreaterThan(lastDayAt(['09', '10', '11', '12', '13', '14', '15']))
    expect(weekAt('2026-11-16')).toBeGreaterThan(lastDayAt(['16', '17', '18', '19', '20', '21', '22']))
  })

  it('cancels a backfill as a whole', async () => {
    const slow = definePipeline({
      id: 'test.regions',
      product: testProduct,
      partitions: staticPartitions(['eu', 'us', 'apac', 'latam', 'mena']),
      steps: (s) =>
        s.step('load', {
          run: async (ctx) => void (await Promise.race([aborted(ctx.signal), sleep(10_000)])),
        }),
    })
    h = new RuntimeHarness(t.db)
    await h.deploy([slow])
    await h.startWorker({ concurrency: 4 })
    const created = await startBackfill(t.db, h.queue, { pipelineId: 'test.regions', concurrency: 2 })
    expect(created.partitions).toEqual(['eu', 'us', 'apac', 'latam', 'mena'])
    await sleep(300)
    expect((await cancelBackfill(t.db, created.backfillId, { queue: h.queue })).cancelledRuns).toBe(5)
    const progress = await waitForBackfill(t, created.backfillId, 10_000)
    expect(progress.backfill.status).toBe('cancelled')
    const deadline = Date.now() + 10_000
    let runs = await getBackfillProgress(t.db, created.backfillId)
    while (runs.cancelled < 5 && Date.now() < deadline) {
      await sleep(50)
      runs = await getBackfillProgress(t.db, created.backfillId)
    }
    expect([runs.cancelled, runs.succeeded]).toEqual([5, 0])
  })

  it('refuses a deploy whose new scheme orphans partitions that ran, unless forced', async () => {
    const daily = definePipeline({
      id: 'test.rescheme',
      product: testProduct,
      partitions: berlinDays,
      steps: (s) => s.step('load', { run: () => undefined }),
    })
    h = new RuntimeHarness(t.db)
    await h.deploy([daily])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: 'test.rescheme',
      trigger: 'manual',
      partitionKey: '2026-11-03',
    })
    await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    const weekly = definePipeline({
      id: 'test.rescheme',
      product: testProduct,
      partitions: weeklyPartitions({ start: '2026-01-05', timezone: 'Europe/Berlin' }),
      steps: (s) => s.step('load', { run: () => undefined }),
    })
    const project = await createProject({
      products: [testProduct],
      pipelines: [weekly],
      root: import.meta.dirname,
    })
    const error = await deployCatalog(t.db, compileCatalog(project)).catch((e: unknown) => e)
    expect(isStewardError(error) && error.code).toBe('PARTITIONS_ORPHANED')
    expect((error as Error).message).toMatch(
      /^pipeline test\.rescheme \(.*\) › partitions: the new scheme leaves 1 partition\(s\) that already ran outside it \("2026-11-03"\); keep the old scheme, or deploy with --force to accept it$/,
    )
    const forced = await deployCatalog(t.db, compileCatalog(project), { force: true })
    expect(forced.pipelines.updated).toEqual(['test.rescheme'])
  })

  it('judges freshness per partition: the day that ended maxAge ago must have succeeded', async () => {
    const promised = defineProduct({
      id: 'test-fresh',
      name: 'Fresh',
      owners: [{ slack: '#fresh' }],
      freshness: { maxAge: '2h' },
    })
    const daily = definePipeline({
      id: 'test.fresh-daily',
      product: promised,
      partitions: dailyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
      steps: (s) => s.step('load', { run: () => undefined }),
    })
    h = new RuntimeHarness(t.db)
    h.project = await createProject({ products: [promised], pipelines: [daily], root: import.meta.dirname })
    await deployCatalog(t.db, compileCatalog(h.project))
    await h.startWorker()
    // Three days after deploy, 01:00 UTC: the day before yesterday ended 25 h ago, yesterday 1 h ago
    // (inside the 2 h promise): the day before yesterday is the one that must exist.
    const later = new Date(Date.now() + 3 * 86_400_000)
    later.setUTCHours(1, 0, 0, 0)
    const dueKey = new Date(later.getTime() - 2 * 86_400_000).toISOString().slice(0, 10)
    const missing = (await findMissingPartitions(t.db, later)).filter((m) => m.pipelineId === daily.id)
    expect(missing).toEqual([
      {
        pipelineId: daily.id,
        productId: 'test-fresh',
        key: dueKey,
        dueAt: new Date(new Date(`${dueKey}T00:00:00Z`).getTime() + 26 * 3_600_000),
      },
    ])
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: daily.id,
      trigger: 'manual',
      partitionKey: dueKey,
    })
    await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect((await findMissingPartitions(t.db, later)).filter((m) => m.pipelineId === daily.id)).toEqual([])
  })
})
