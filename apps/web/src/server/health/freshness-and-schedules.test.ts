import { seedPipeline, seedProduct } from '@steward/alerts/testing'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firedSince, readScheduledPipelines, schedulesToJudge } from './scheduler-check.ts'
import { staleProducts } from './stale-products-check.ts'
import { usageBacklogProblem } from './usage-rollups-check.ts'

const now = new Date('2026-11-23T12:00:00Z')

describe('stale products', () => {
  const product = (
    id: string,
    maxAgeHours: number,
    lastSuccess: Date | null,
    created = '2026-01-01T00:00:00Z',
  ) => ({
    id,
    freshness_max_age_seconds: maxAgeHours * 3600,
    created_at: new Date(created),
    last_success_at: lastSuccess,
    now,
  })

  it('flags products whose newest success is older than their promise, and those that never succeeded', () => {
    const stale = staleProducts([
      product('fresh', 24, new Date('2026-11-23T01:00:00Z')),
      product('late', 24, new Date('2026-11-21T12:00:00Z')),
      product('never', 36, null),
      product('new', 36, null, '2026-11-23T06:00:00Z'),
    ])
    expect(stale.map((s) => [s.id, Math.round(s.ageSeconds / 3600)])).toEqual([
      ['late', 48],
      ['never', 7836],
    ])
  })
})

describe('schedules judged by their own period', () => {
  const pipeline = (id: string, cron: string, deployed = '2026-01-01T00:00:00Z', at = now) => ({
    id,
    schedule_cron: cron,
    schedule_timezone: 'UTC',
    updated_at: new Date(deployed),
    now: at,
  })
  const judged = (pipelines: Parameters<typeof schedulesToJudge>[0]) =>
    schedulesToJudge(pipelines).map((s) => [
      s.id,
      s.missedFrom.toISOString(),
      s.due.toISOString(),
      s.runSince.toISOString(),
    ])

  it('judges each schedule by its two latest settled fire times, with a settling time and a clock slack from its period', () => {
    expect(
      judged([
        // Every minute, at 12:00:00: settled fires are 11:59 and 11:58 (30 s to settle, 10 s slack).
        pipeline('minutely', '* * * * *'),
        // Hourly: 5 min to settle, so 11:00 and 10:00.
        pipeline('hourly', '0 * * * *'),
        // Daily at 11:58: today's fire is not settled yet, so yesterday's and the day before.
        pipeline('daily', '58 11 * * *'),
        // Weekly on Fridays: the latest fire (Friday 20 Nov) is beyond the day of look-back.
        pipeline('weekly', '0 6 * * 5'),
        // Deployed between its two fire times: one missed fire is not two.
        pipeline('new', '0 * * * *', '2026-11-23T10:30:00Z'),
        // Resumed between them: the same.
        { ...pipeline('resumed', '0 * * * *'), schedule_changed_at: new Date('2026-11-23T10:30:00Z') },
      ]),
    ).toEqual([
      ['minutely', '2026-11-23T11:58:00.000Z', '2026-11-23T11:59:00.000Z', '2026-11-23T11:57:50.000Z'],
      ['hourly', '2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z', '2026-11-23T09:59:50.000Z'],
      ['daily', '2026-11-21T11:58:00.000Z', '2026-11-22T11:58:00.000Z', '2026-11-21T11:57:50.000Z'],
    ])
  })

  it('an every-minute schedule whose scheduler was lost at 12:00:30 is judged missed from 12:02:30 on, not before', () => {
    const at = (time: string) => new Date(`2026-11-23T${time}Z`)
    // The last run came from the 12:00 fire; at 12:02:29 the 12:01 and 12:00 fires are judged (one missed).
    expect(judged([pipeline('m', '* * * * *', undefined, at('12:02:29'))])[0]?.[3]).toBe(
      '2026-11-23T11:59:50.000Z',
    )
    // At 12:02:30 the 12:01 and 12:02 fires are: a run at 12:00:01 is before 12:00:50, both missed.
    expect(judged([pipeline('m', '* * * * *', undefined, at('12:02:30'))])[0]?.[3]).toBe(
      '2026-11-23T12:00:50.000Z',
    )
  })
})

describe.each(testBackends)('fired schedules on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, { id: 'web' })
    for (const id of ['web.fired', 'web.manual', 'web.old'])
      await seedPipeline(t.db, { id, productId: 'web', steps: ['ship'] })
    const hourly = { cron: '0 * * * *', timezone: 'UTC' }
    for (const id of ['web.hourly', 'web.paused'])
      await seedPipeline(t.db, { id, productId: 'web', steps: ['ship'], schedule: hourly })
  })

  it('reads the live schedules, not the paused ones, with their last pause or resume', async () => {
    const changedAt = new Date('2026-11-23T10:30:00Z')
    await t.db
      .updateTable('pipelines')
      .set({ schedule_paused_at: changedAt, schedule_paused_by: 'ana', schedule_changed_at: changedAt })
      .where('id', '=', 'web.paused')
      .execute()
    await t.db
      .updateTable('pipelines')
      .set({ schedule_changed_at: changedAt })
      .where('id', '=', 'web.hourly')
      .execute()
    const read = await readScheduledPipelines(t.db)
    expect(read.map((p) => [p.id, p.schedule_cron, p.schedule_changed_at?.toISOString()])).toEqual([
      ['web.hourly', '0 * * * *', '2026-11-23T10:30:00.000Z'],
    ])
  })
  afterAll(async () => t?.dispose())

  it('counts only `schedule` runs created since each schedule’s own instant', async () => {
    const run = (pipelineId: string, trigger: 'schedule' | 'manual', createdAt: string) =>
      t.db
        .insertInto('runs')
        .values({
          id: crypto.randomUUID(),
          pipeline_id: pipelineId,
          product_id: 'web',
          pipeline_version: 1,
          status: 'succeeded',
          trigger,
          params: '{}',
          created_at: new Date(createdAt),
        })
        .execute()
    await run('web.fired', 'schedule', '2026-11-23T11:58:01Z')
    await run('web.manual', 'manual', '2026-11-23T11:59:00Z')
    await run('web.old', 'schedule', '2026-11-23T11:57:01Z')
    const since = new Date('2026-11-23T11:57:50Z')
    const judged = ['web.fired', 'web.manual', 'web.old', 'web.none'].map((id) => ({
      id,
      missedFrom: since,
      due: since,
      runSince: since,
    }))
    expect([...(await firedSince(t.db, judged))]).toEqual(['web.fired'])
    expect(await firedSince(t.db, [])).toEqual(new Set())
  })
})

describe('usage rollups', () => {
  it('are behind when an event stored more than five minutes ago still waits to be counted', () => {
    expect(usageBacklogProblem({}, now)).toBeUndefined()
    expect(usageBacklogProblem({ oldestQueuedAt: new Date(now.getTime() - 4 * 60_000) }, now)).toBeUndefined()
    expect(usageBacklogProblem({ oldestQueuedAt: new Date(now.getTime() - 12 * 60_000) }, now)).toMatch(
      /^usage events stored 12 min(utes)? ago are still not counted in the rollups: is a web server running/,
    )
  })
})
