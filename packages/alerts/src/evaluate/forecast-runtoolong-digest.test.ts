import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { budget, digest, onFailure, runTooLong } from '@steward/pipelines/rules'
import { foldPendingUsage, ingestEvents } from '@steward/usage'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedPipeline, seedProduct, seedRun } from '../testing/seed.ts'
import { evaluateFinishedRuns } from './evaluate-finished-runs.ts'
import { evaluateTimers } from './evaluate-timers.ts'

const hourMs = 3_600_000

/** The budget forecast, `runTooLong` and the weekly digest with its content (issue 19, item 8). */
describe.each(testBackends)('forecast, runTooLong and the weekly digest on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })
  const spend = (productId: string, usd: number, at: string) =>
    t.db
      .insertInto('cost_entries')
      .values({ product_id: productId, kind: 'reported', item: 'warehouse scan', usd, at: new Date(at) })
      .execute()
  const incidents = (productId: string) =>
    t.db
      .selectFrom('incidents')
      .selectAll()
      .where('product_id', '=', productId)
      .orderBy('opened_at')
      .execute()
  const open = async (productId: string) => (await incidents(productId)).filter((i) => i.status === 'open')

  it('forecast: past the first three days, a month on pace to overspend warns; slower spending clears it; over budget the budget incident fires instead', async () => {
    await seedProduct(t.db, { id: 'pacey', alerts: [budget({ monthlyUsd: 100 })] })
    // $20 on 1 November is a pace of $300 by the 2nd, but a pace that early is noise.
    await spend('pacey', 20, '2026-11-01T10:00:00Z')
    await evaluateTimers(t.db, { now: new Date('2026-11-02T12:00:00Z') })
    expect(await open('pacey')).toEqual([])
    // $40 by the end of 10 November: a third of the month, on pace for $120.
    await spend('pacey', 20, '2026-11-05T10:00:00Z')
    await evaluateTimers(t.db, { now: new Date('2026-11-11T00:00:00Z') })
    expect(await open('pacey')).toMatchObject([
      {
        severity: 'warning',
        subject_key: 'product:pacey/budget-forecast',
        title: 'pacey is on pace to spend $120.00 this month (budget $100)',
      },
    ])
    // Still $40 two thirds in: a pace of $60, the warning resolves.
    await evaluateTimers(t.db, { now: new Date('2026-11-21T00:00:00Z') })
    expect(await open('pacey')).toEqual([])
    expect((await incidents('pacey'))[0]).toMatchObject({
      status: 'resolved',
      resolved_reason: 'back on budget pace',
    })
    // Over budget: the budget incident, and no forecast beside it.
    await spend('pacey', 70, '2026-11-22T10:00:00Z')
    await evaluateTimers(t.db, { now: new Date('2026-11-23T00:00:00Z') })
    expect(await open('pacey')).toMatchObject([
      { subject_key: 'product:pacey/budget', title: 'pacey spent $110.00 this month, over its $100 budget' },
    ])
  })

  it('forecast: false never warns on pace', async () => {
    await seedProduct(t.db, { id: 'unpaced', alerts: [budget({ monthlyUsd: 100, forecast: false })] })
    await spend('unpaced', 90, '2026-11-05T10:00:00Z')
    await evaluateTimers(t.db, { now: new Date('2026-11-11T00:00:00Z') })
    expect(await incidents('unpaced')).toEqual([])
  })

  it('runTooLong: a run still going past the bound fires once however often the timers look; its late end is told in the thread; a run in time resolves it', async () => {
    const base = Date.UTC(2026, 11, 1, 12)
    await seedProduct(t.db, { id: 'slowpoke', owners: ['#slowpoke'] })
    const kinds = async () =>
      (
        await t.db
          .selectFrom('notifications')
          .select('kind')
          .where('product_id', '=', 'slowpoke')
          .orderBy('id')
          .execute()
      ).map((n) => n.kind)
    await seedPipeline(t.db, {
      id: 'slowpoke.build',
      productId: 'slowpoke',
      alerts: [runTooLong({ over: '1h' })],
    })
    // The evaluator's cursor starts here.
    await t.db.deleteFrom('alert_cursors').execute()
    await evaluateFinishedRuns(t.db, { now: new Date(base) })
    const slow = await seedRun(t.db, {
      pipelineId: 'slowpoke.build',
      productId: 'slowpoke',
      status: 'succeeded',
    })
    await sql`update runs set status = 'running', finished_at = null, started_at = ${new Date(base - 2 * hourMs)}
      where id = ${slow}`.execute(t.db)
    // Under the bound, a running run says nothing.
    await evaluateTimers(t.db, { now: new Date(base - 1.5 * hourMs) })
    expect(await incidents('slowpoke')).toEqual([])
    await evaluateTimers(t.db, { now: new Date(base) })
    await evaluateTimers(t.db, { now: new Date(base + 5 * 60_000) })
    expect(await incidents('slowpoke')).toMatchObject([
      { status: 'open', fire_count: 1, title: 'slowpoke.build has been running for over 60 min' },
    ])
    // The first message went out (a repeat before that is folded into it).
    await t.db
      .updateTable('notifications')
      .set({ status: 'sent', slack_channel: 'CSLOWPOKE', slack_ts: '1.000001', sent_at: new Date(base) })
      .where('product_id', '=', 'slowpoke')
      .execute()
    // It ends after 2 h 10 min: told in the incident's thread, still open.
    await sql`update runs set status = 'succeeded', finished_at = ${new Date(base + 10 * 60_000)}
      where id = ${slow}`.execute(t.db)
    await evaluateFinishedRuns(t.db, { now: new Date(base + 11 * 60_000) })
    expect(await open('slowpoke')).toMatchObject([{ fire_count: 2 }])
    expect(await kinds()).toEqual(['first', 'follow_up'])
    // The next run takes no time: resolved.
    await seedRun(t.db, {
      pipelineId: 'slowpoke.build',
      productId: 'slowpoke',
      status: 'succeeded',
      finishedAt: new Date(base + 30 * 60_000),
    })
    await evaluateFinishedRuns(t.db, { now: new Date(base + 31 * 60_000) })
    expect(await open('slowpoke')).toEqual([])
    // The follow-up not yet delivered is moot once resolved: the resolution replaces it.
    expect(await kinds()).toEqual(['first', 'resolved'])
  })

  it('weekly digest: on Monday at 09:00 the week before, with users and views against the week before it, freshness and open incidents; once a week', async () => {
    // Mondays: 2, 9, 16 and 23 November 2026 (the usage calendar: UTC, weeks from Monday).
    await seedProduct(t.db, {
      id: 'weekly',
      owners: ['#weekly'],
      freshnessSeconds: 86_400,
      createdAt: new Date('2026-10-01T00:00:00Z'),
      alerts: [digest({ every: 'week', atHour: 9 })],
    })
    await seedPipeline(t.db, { id: 'weekly.build', productId: 'weekly', alerts: [onFailure()] })
    await t.db.deleteFrom('alert_cursors').execute()
    await evaluateFinishedRuns(t.db, { now: new Date('2026-11-09T08:00:00Z') })
    const run = (status: 'succeeded' | 'failed', at: string) =>
      seedRun(t.db, { pipelineId: 'weekly.build', productId: 'weekly', status, finishedAt: new Date(at) })
    // The week before the digest: three successes and a failure, the failure last (still open).
    await run('succeeded', '2026-11-09T10:00:00Z')
    await run('succeeded', '2026-11-11T10:00:00Z')
    await run('succeeded', '2026-11-14T06:00:00Z')
    await run('failed', '2026-11-14T07:00:00Z')
    await evaluateFinishedRuns(t.db, { now: new Date('2026-11-14T07:01:00Z') })
    // Usage: two users and four views the week of 2 November; three users (one on two days) and six views the week of 9 November.
    const view = (actor: string, at: string) => ({ product: 'weekly', kind: 'view', actor, at })
    const events = [
      view('ana@example.com', '2026-11-02T10:00:00Z'),
      view('ana@example.com', '2026-11-03T10:00:00Z'),
      view('bo@example.com', '2026-11-04T10:00:00Z'),
      view('bo@example.com', '2026-11-08T23:30:00Z'),
      view('ana@example.com', '2026-11-09T10:00:00Z'),
      view('ana@example.com', '2026-11-12T10:00:00Z'),
      view('bo@example.com', '2026-11-10T10:00:00Z'),
      view('cy@example.com', '2026-11-15T10:00:00Z'),
      view('cy@example.com', '2026-11-15T11:00:00Z'),
      view('cy@example.com', '2026-11-15T23:59:00Z'),
      // Monday the 16th is the digest's own week: not counted.
      view('dee@example.com', '2026-11-16T08:00:00Z'),
    ]
    await ingestEvents(t.db, events, {
      salt: 'digest-test-salt-0123456789',
      origin: 'token:test',
      now: new Date('2026-11-16T08:30:00Z'),
    })
    await foldPendingUsage(t.db)
    const digests = () =>
      t.db
        .selectFrom('notifications')
        .select(['destination', 'payload', 'created_at'])
        .where('product_id', '=', 'weekly')
        .where('kind', '=', 'digest')
        .orderBy('id')
        .execute()

    await evaluateTimers(t.db, { now: new Date('2026-11-16T08:55:00Z') })
    expect(await digests()).toEqual([])
    await evaluateTimers(t.db, { now: new Date('2026-11-16T09:05:00Z') })
    const [first, ...others] = await digests()
    expect(others).toEqual([])
    expect(first?.destination).toBe('#weekly')
    const text = JSON.stringify(first?.payload.blocks)
    expect(text).toContain('weekly digest')
    expect(text).toContain('Runs: 4 (1 failed)')
    expect(text).toContain('Users: 3 (the week before: 2, +50%)')
    expect(text).toContain('Views: 6 (the week before: 4, +50%)')
    expect(text).toContain('Last success: 2026-11-14T06:00:00.000Z')
    // 51 hours since the last success, against a promise of 24.
    expect(text).toContain('Freshness: stale (promise: 24 h)')
    expect(text).toContain('weekly.build failed')
    // Once a week: not again on Tuesday, again the Monday after.
    await evaluateTimers(t.db, { now: new Date('2026-11-17T09:05:00Z') })
    expect(await digests()).toHaveLength(1)
    await evaluateTimers(t.db, { now: new Date('2026-11-23T09:01:00Z') })
    const [, next] = await digests()
    expect(JSON.stringify(next?.payload.blocks)).toContain('Users: 1 (the week before: 3, −67%)')
  })
})
