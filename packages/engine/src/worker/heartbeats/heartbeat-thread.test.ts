import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRun } from '../../runs/create-run.ts'
import { claimSteps } from '../../store/claim-step.ts'
import { RuntimeHarness, sleep, testProduct, testQueueBackend } from '../../testing/runtime-harness.ts'
import { InFlight } from '../in-flight.ts'
import { HeartbeatThread } from './heartbeat-thread-client.ts'

/**
 * An attempt is `running` in SQL from the commit of the claim or finish that opened it, before the
 * worker's event loop has read its id; while a step computes on that loop, only the heartbeat thread
 * can keep such an attempt alive. These tests hold the loop in a synchronous busy loop, as such a
 * step does, and read which attempts beat meanwhile.
 */
describe.each(testBackends)('heartbeats on $name', (backend) => {
  let t: TestDatabase
  let h: RuntimeHarness | undefined
  let beats: HeartbeatThread | undefined
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterEach(async () => {
    await beats?.close()
    beats = undefined
    await h?.dispose()
    h = undefined
  })
  afterAll(async () => {
    await t?.dispose()
  })

  const twoSteps = definePipeline({
    id: 'heartbeat.two-steps',
    product: testProduct,
    steps: (s) => s.step('x', { run: async () => ({}) }).step('y', { run: async () => ({}) }),
  })

  /** Two runs of two independent steps: run A's x claimed for w1 and y for w2, run B's x for w1. */
  async function claimed() {
    h = new RuntimeHarness(t.db, testQueueBackend('redis', t))
    await h.deploy([twoSteps])
    const a = await createRun(t.db, { pipelineId: twoSteps.id, trigger: 'manual' })
    const b = await createRun(t.db, { pipelineId: twoSteps.id, trigger: 'manual' })
    const job = (run: typeof a, stepId: string) => {
      const found = run.enqueue.find((j) => j.stepRunId === stepRunIds.get(`${run.runId}:${stepId}`))
      if (!found) throw new Error(`no job for ${stepId}`)
      return found
    }
    const stepRunIds = new Map(
      (
        await t.db
          .selectFrom('step_runs')
          .select(['id', 'run_id', 'step_id'])
          .where('run_id', 'in', [a.runId, b.runId])
          .execute()
      ).map((s) => [`${s.run_id}:${s.step_id}`, s.id]),
    )
    const [ax] = await claimSteps(t.db, [job(a, 'x')], 'w1')
    const [ay] = await claimSteps(t.db, [job(a, 'y')], 'w2')
    const [bx] = await claimSteps(t.db, [job(b, 'x')], 'w1')
    if (!ax || !ay || !bx) throw new Error('a claim found nothing to claim')
    return { runA: a.runId, runB: b.runId, ax: ax.attemptId, ay: ay.attemptId, bx: bx.attemptId }
  }

  const makeStale = () =>
    sql`update attempts set heartbeat_at = now() - interval '1 hour' where status = 'running'`.execute(t.db)

  /** Holds this event loop for `ms`, as a step that computes without yielding does. */
  const busy = (ms: number) => {
    const until = Date.now() + ms
    while (Date.now() < until) {
      // computing
    }
  }

  /** The attempts beaten within the last 30 s. */
  const fresh = async () =>
    new Set(
      (
        await sql<{
          id: string
        }>`select id from attempts where heartbeat_at > now() - interval '30 seconds'`.execute(t.db)
      ).rows.map((row) => row.id),
    )

  async function startThread(workerId: string) {
    beats = new HeartbeatThread(
      { databaseUrl: t.url, everyMs: 50, workerId },
      { onGone: () => {}, onError: () => {} },
    )
    expect(await beats.started).toBe(true)
    const inFlight = new InFlight(t.db, workerId)
    inFlight.beatFrom(beats)
    return inFlight
  }

  it('the thread beats the attempts a statement opened for this worker in a watched run, before the loop reads their ids', async () => {
    const { runA, ax, ay, bx } = await claimed()
    await makeStale()
    const inFlight = await startThread('w1')
    const unwatch = inFlight.watch(runA)
    busy(1_000)
    // Run A's attempt for this worker beat; another worker's attempt in the same run and this
    // worker's attempt in a run it does not watch did not.
    expect(await fresh()).toEqual(new Set([ax]))
    expect(ay).not.toBe(bx)

    unwatch()
    await sleep(200)
    await makeStale()
    busy(500)
    expect(await fresh()).toEqual(new Set())
  })

  it('an attempt whose code ended beats until its end is recorded', async () => {
    const { runB, bx } = await claimed()
    const inFlight = await startThread('w1')
    inFlight.add(bx, runB, new AbortController())
    inFlight.ended(bx)
    await sleep(100)
    await makeStale()
    busy(500)
    expect(await fresh()).toEqual(new Set([bx]))

    inFlight.recorded(bx)
    await sleep(200)
    await makeStale()
    busy(500)
    expect(await fresh()).toEqual(new Set())
  })

  it('without a thread, a tick on the loop beats the watched runs too', async () => {
    const { runA, ax } = await claimed()
    await makeStale()
    const inFlight = new InFlight(t.db, 'w1')
    const unwatch = inFlight.watch(runA)
    await inFlight.tick()
    expect(await fresh()).toEqual(new Set([ax]))
    unwatch()
    await makeStale()
    await inFlight.tick()
    expect(await fresh()).toEqual(new Set())
  })
})
