import { randomUUID } from 'node:crypto'
import { pruneIncidents } from '@steward/alerts'
import { seedPipeline, seedProduct, seedRun } from '@steward/alerts/testing'
import { defaultRetention } from '@steward/config'
import { json, migrateToLatest, pruneAudit, type StewardDb } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { pruneRuns } from '@steward/engine'
import { foldPendingUsage, ingestEvents, pruneUsageEvents } from '@steward/usage'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countPrunable, pruneCutoffs, pruneHistory } from '../src/retention/prune-history.ts'
import { startPruning } from '../src/retention/start-pruning.ts'
import { lines, runSteward } from './support/steward-process.ts'

type Db = StewardDb['db']
const day = 86_400_000
const now = new Date()
const ago = (days: number) => new Date(now.getTime() - days * day)

/** What the prune must leave alone or delete, by table. */
async function tableCounts(db: Db) {
  const row = await sql<Record<string, string>>`
    select (select count(*) from runs) as runs, (select count(*) from step_runs) as step_runs,
      (select count(*) from attempts) as attempts, (select count(*) from logs) as logs,
      (select count(*) from metrics) as metrics, (select count(*) from cost_entries) as cost_entries,
      (select count(*) from incidents) as incidents, (select count(*) from notifications) as notifications,
      (select count(*) from usage_events) as usage_events,
      (select count(*) from audit_log) as audit_log`.execute(db)
  return Object.fromEntries(Object.entries(row.rows[0] ?? {}).map(([k, v]) => [k, Number(v)]))
}

/** The rollups a prune must never change: usage per day, unique actors, cost per day. */
async function rollups(db: Db) {
  const row = await sql<{ usage: string; uniques: string; cost: string }>`
    select (select coalesce(sum(events), 0) from usage_daily)::text as usage,
      (select coalesce(sum(actors), 0) from usage_period_uniques)::text as uniques,
      (select coalesce(sum(usd), 0) from cost_daily)::text as cost`.execute(db)
  return row.rows[0]
}

/**
 * Two of everything: one past its retention age and one recent, plus what must stay however old
 * (an open incident's messages, a notification still waiting for Slack).
 */
async function seedHistory(db: Db): Promise<void> {
  await seedProduct(db, { id: 'shop' })
  await seedPipeline(db, { id: 'shop.orders', productId: 'shop', steps: ['extract', 'load'] })
  for (const finishedAt of [ago(120), ago(100), ago(1)]) {
    const runId = await seedRun(db, {
      pipelineId: 'shop.orders',
      productId: 'shop',
      status: 'succeeded',
      steps: { extract: 'succeeded', load: 'succeeded' },
      finishedAt,
      metrics: [{ step: 'load', name: 'rows', value: 10, at: finishedAt }],
    })
    const stepRun = await db
      .selectFrom('step_runs')
      .select('id')
      .where('run_id', '=', runId)
      .where('step_id', '=', 'load')
      .executeTakeFirstOrThrow()
    const attemptId = randomUUID()
    await db
      .insertInto('attempts')
      .values({ id: attemptId, step_run_id: stepRun.id, run_id: runId, number: 1, status: 'succeeded' })
      .execute()
    await db
      .insertInto('logs')
      .values({
        run_id: runId,
        step_run_id: stepRun.id,
        attempt_id: attemptId,
        level: 'info',
        message: 'loaded',
        at: finishedAt,
      })
      .execute()
    await db
      .insertInto('cost_entries')
      .values({
        run_id: runId,
        step_run_id: stepRun.id,
        attempt_id: attemptId,
        pipeline_id: 'shop.orders',
        product_id: 'shop',
        kind: 'compute',
        item: 'cpu',
        usd: '1.25',
        at: finishedAt,
      })
      .execute()
  }
  // A run still in flight that started long ago is never pruned.
  await db
    .insertInto('runs')
    .values({
      id: randomUUID(),
      pipeline_id: 'shop.orders',
      product_id: 'shop',
      pipeline_version: 1,
      status: 'running',
      trigger: 'manual',
      params: json({}),
      created_at: ago(200),
      started_at: ago(200),
    })
    .execute()

  const incident = async (status: 'open' | 'resolved', at: Date) => {
    const id = randomUUID()
    await db
      .insertInto('incidents')
      .values({
        id,
        rule_key: `r:${id}`,
        rule_kind: 'failure',
        subject_key: 'pipeline:shop.orders',
        product_id: 'shop',
        severity: 'error',
        title: 'failed',
        status,
        opened_at: at,
        last_fired_at: at,
        resolved_at: status === 'resolved' ? at : null,
      })
      .execute()
    return id
  }
  const notification = (incidentId: string | null, status: 'pending' | 'sent', at: Date) =>
    db
      .insertInto('notifications')
      .values({
        destination: '#shop',
        product_id: 'shop',
        rule_key: 'r',
        incident_id: incidentId,
        kind: incidentId ? 'first' : 'digest',
        payload: json({ text: 't', blocks: [] }),
        status,
        created_at: at,
      })
      .execute()
  await notification(await incident('resolved', ago(100)), 'sent', ago(100)) // goes, with its message
  await notification(await incident('resolved', ago(100)), 'pending', ago(100)) // stays: Slack waits
  await notification(await incident('open', ago(100)), 'sent', ago(100)) // stays: still open
  await notification(await incident('resolved', ago(1)), 'sent', ago(1)) // stays: recent
  await notification(null, 'sent', ago(100)) // goes
  await notification(null, 'pending', ago(100)) // stays

  const events = [ago(60), ago(50), ago(40), ago(2), ago(1)].map((at, i) => ({
    product: 'shop',
    kind: 'view',
    actor: `analyst-${i % 2}`,
    at: at.toISOString(),
  }))
  await ingestEvents(db, events, { salt: 'prune-test-salt-0123456789', origin: 'web', now })
  await foldPendingUsage(db)
  // One more old event stored and not folded yet (ingestion folds its own batch; a crash between
  // the two leaves this): pruning raw events cannot change what the fold will count.
  const late = { product_id: 'shop', kind: 'view', actor_hash: 'f'.repeat(64), at: ago(45) }
  await db
    .insertInto('usage_events')
    .values({ ...late, origin: 'web' })
    .execute()
  await db.insertInto('usage_pending').values(late).execute()
  // The audit log: a row past STEWARD_RETAIN_AUDIT_DAYS (365) and a recent one.
  for (const at of [ago(400), ago(10)]) {
    await db
      .insertInto('audit_log')
      .values({
        at,
        actor_kind: 'cli',
        actor: 'ana@build-01',
        via: 'cli',
        action: 'deploy',
        target_kind: 'project',
        target_id: 'steward.config.ts',
        details: '{}',
      })
      .execute()
  }
}

describe.each(testBackends)('pruning history on $name', (backend) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await backend.open()
    await migrateToLatest(database.db)
    await seedHistory(database.db)
  }, 60_000)
  afterAll(async () => {
    await database?.dispose()
  })

  it('counts what would go and deletes nothing on a dry run', async () => {
    const before = await tableCounts(database.db)
    expect(await countPrunable(database.db, pruneCutoffs(defaultRetention, now))).toEqual({
      runs: 2,
      incidents: 1,
      notifications: 2,
      usageEvents: 4,
      audit: 1,
    })
    expect(await tableCounts(database.db)).toEqual(before)
  })

  it('deletes old rows in batches and keeps recent rows, rollups and cost per day', async () => {
    const rollupsBefore = await rollups(database.db)
    const cutoffs = pruneCutoffs(defaultRetention, now)
    // Batches of one, so every loop takes more than one turn.
    const batches: number[] = []
    expect(
      await pruneRuns(database.db, {
        endedBefore: cutoffs.runs as Date,
        batch: 1,
        onBatch: (n) => batches.push(n),
      }),
    ).toBe(2)
    expect(batches).toEqual([1, 1])
    expect(await pruneIncidents(database.db, { before: cutoffs.incidents as Date, batch: 1 })).toEqual({
      incidents: 1,
      notifications: 2,
    })
    expect(await pruneUsageEvents(database.db, { before: cutoffs.usageEvents as Date, batch: 1 })).toBe(4)
    expect(await pruneAudit(database.db, { before: cutoffs.audit as Date, batch: 1 })).toBe(1)
    // Nothing is left to prune, and a second prune finds nothing.
    expect(await pruneHistory(database.db, cutoffs)).toEqual({
      runs: 0,
      incidents: 0,
      notifications: 0,
      usageEvents: 0,
      audit: 0,
    })

    expect(await tableCounts(database.db)).toEqual({
      runs: 2, // the recent run and the one in flight
      step_runs: 2,
      attempts: 1,
      logs: 1,
      metrics: 1,
      cost_entries: 1,
      incidents: 3,
      notifications: 4,
      usage_events: 2,
      audit_log: 1,
    })
    expect(await rollups(database.db)).toEqual(rollupsBefore)
    // The event stored before the prune and not folded yet is still counted when the fold comes.
    expect(await foldPendingUsage(database.db)).toBe(1)
    expect(Number((await rollups(database.db))?.usage)).toBe(Number(rollupsBefore?.usage) + 1)
  })

  it('prunes in the background of a runtime process, and says what it deleted', async () => {
    await seedRun(database.db, {
      pipelineId: 'shop.orders',
      productId: 'shop',
      status: 'failed',
      finishedAt: ago(91),
    })
    const logged: string[] = []
    const pruning = startPruning(database.db, defaultRetention, {
      log: (line) => logged.push(line),
      firstAfterMs: 0,
    })
    try {
      for (let i = 0; i < 100 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 50))
    } finally {
      await pruning.close()
    }
    expect(logged).toEqual([
      'retention: deleted 1 runs (with their step runs, attempts, logs, metrics, cost entries), 0 resolved incidents, 0 sent notifications, 0 raw usage events, 0 audit log rows',
    ])
    expect((await tableCounts(database.db)).runs).toBe(2)
  })
})

/** `steward prune` through the real binary, on PostgreSQL. */
describe('steward prune', () => {
  const postgres = testBackends.find((b) => b.name === 'postgres') ?? testBackends[0]
  let database: TestDatabase
  beforeAll(async () => {
    if (!postgres) throw new Error('no test backend')
    database = await postgres.open()
    await migrateToLatest(database.db)
    await seedHistory(database.db)
  }, 60_000)
  afterAll(async () => {
    await database?.dispose()
  })

  it('says what would go with --dry-run, then deletes it', async () => {
    const before = await tableCounts(database.db)
    const dry = await runSteward(['prune', '--dry-run'], { DATABASE_URL: database.url })
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(lines(dry.stdout)).toContain(
      'would delete 2 runs (with their step runs, attempts, logs, metrics, cost entries), 1 resolved incidents, 2 sent notifications, 4 raw usage events, 1 audit log rows',
    )
    expect(await tableCounts(database.db)).toEqual(before)

    const real = await runSteward(['prune'], {
      DATABASE_URL: database.url,
      STEWARD_RETAIN_USAGE_EVENTS_DAYS: '0',
    })
    expect(real.stderr).toBe('')
    expect(real.code).toBe(0)
    expect(lines(real.stdout)).toContain(
      'deleted 2 runs (with their step runs, attempts, logs, metrics, cost entries), 1 resolved incidents, 2 sent notifications, 0 raw usage events, 1 audit log rows',
    )
    expect(await tableCounts(database.db)).toMatchObject({
      runs: 2,
      incidents: 3,
      notifications: 4,
      usage_events: 6,
      audit_log: 1,
    })
  })

  it('names the setting when an age is not a number of days', async () => {
    const bad = await runSteward(['prune', '--dry-run'], {
      DATABASE_URL: database.url,
      STEWARD_RETAIN_RUNS_DAYS: 'soon',
    })
    expect(bad.code).not.toBe(0)
    expect(bad.stderr.trim()).toBe(
      'steward: STEWARD_RETAIN_RUNS_DAYS must be a whole number of days, at least 1 (or 0 to keep for ever), got "soon"',
    )
  })
})
