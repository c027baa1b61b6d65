import { seedPipeline, seedProduct } from '@steward/alerts/testing'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasLiveHeartbeat, silentWorkers } from './workers-check.ts'

describe.each(testBackends)('a live worker heartbeat on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, { id: 'web' })
    await seedPipeline(t.db, { id: 'web.logs', productId: 'web', steps: ['ship'] })
  })
  afterAll(async () => t?.dispose())

  /** A run with one step whose attempt runs, heartbeated `ageMs` ago. */
  async function runningAttempt(runStatus: 'running' | 'failed', ageMs: number, workerId = 'w') {
    const runId = crypto.randomUUID()
    const stepRunId = crypto.randomUUID()
    await t.db
      .insertInto('runs')
      .values({
        id: runId,
        pipeline_id: 'web.logs',
        product_id: 'web',
        pipeline_version: 1,
        status: runStatus,
        trigger: 'manual',
        params: '{}',
      })
      .execute()
    await t.db
      .insertInto('step_runs')
      .values({
        id: stepRunId,
        run_id: runId,
        step_id: 'ship',
        status: 'running',
        attempt_count: 1,
        max_attempts: 1,
      })
      .execute()
    await t.db
      .insertInto('attempts')
      .values({
        id: crypto.randomUUID(),
        step_run_id: stepRunId,
        run_id: runId,
        number: 1,
        status: 'running',
        worker_id: workerId,
        heartbeat_at: new Date(Date.now() - ageMs),
      })
      .execute()
    return runId
  }

  it('is seen through active runs, and only while it is recent', async () => {
    expect(await hasLiveHeartbeat(t.db)).toBe(false)
    const old = await runningAttempt('running', 120_000)
    expect(await hasLiveHeartbeat(t.db)).toBe(false)
    await runningAttempt('failed', 0)
    expect(await hasLiveHeartbeat(t.db)).toBe(false)
    await t.db.updateTable('attempts').set({ heartbeat_at: new Date() }).where('run_id', '=', old).execute()
    expect(await hasLiveHeartbeat(t.db)).toBe(true)
  })

  it('names the workers whose running steps stopped heartbeating, until their heartbeats come back', async () => {
    await t.db.deleteFrom('attempts').execute()
    await runningAttempt('running', 0, 'host-a:101')
    expect(await silentWorkers(t.db, 10_000)).toEqual([])
    await runningAttempt('running', 25_000, 'host-b:202')
    await runningAttempt('running', 40_000, 'host-b:202')
    await runningAttempt('failed', 60_000, 'host-c:303')
    expect(await silentWorkers(t.db, 10_000)).toEqual([{ workerId: 'host-b:202', steps: 2 }])
    expect(await silentWorkers(t.db, 30_000)).toEqual([{ workerId: 'host-b:202', steps: 1 }])
    await t.db
      .updateTable('attempts')
      .set({ heartbeat_at: new Date() })
      .where('worker_id', '=', 'host-b:202')
      .execute()
    expect(await silentWorkers(t.db, 10_000)).toEqual([])
  })
})
