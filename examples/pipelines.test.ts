import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runPipeline } from '@steward/pipelines/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appActivityDaily } from './pipelines/app-activity-daily.ts'
import { churnScore } from './pipelines/churn-score.ts'
import { signupFunnelWeekly } from './pipelines/signup-funnel-weekly.ts'
import { ChurnFileError } from './src/churn/churn-file-error.ts'
import { writeChurnFile } from './src/churn/write-churn-file.ts'
import { recordingWarehouse } from './src/warehouse/recording-warehouse.ts'
import stewardConfig from './steward.config.ts'

// The pipelines read STEWARD_HOME (through env.ts) when their steps run: point it at a temporary folder.
let home = ''
let previousHome: string | undefined
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'steward-examples-'))
  previousHome = process.env.STEWARD_HOME
  process.env.STEWARD_HOME = home
})
afterAll(async () => {
  if (previousHome === undefined) delete process.env.STEWARD_HOME
  else process.env.STEWARD_HOME = previousHome
  await rm(home, { recursive: true, force: true })
})

describe('the example pipelines, step by step', () => {
  it('app-activity.daily extracts, counts and publishes a day, reporting rows, bytes and bots', async () => {
    const warehouse = recordingWarehouse()
    const run = await runPipeline(appActivityDaily, {
      partition: '2026-11-02',
      config: stewardConfig,
      sql: { warehouse },
    })
    const metric = (name: string) =>
      run.metrics.find((m) => m.name === name && Object.keys(m.labels).length === 0)?.value
    expect(metric('bytes')).toBeGreaterThan(10_000_000)
    expect(metric('bots_removed')).toBeGreaterThan(1_000)
    // Rows are reported per host only: the total is their sum.
    expect(metric('rows')).toBeUndefined()
    const perHost = run.metrics.filter((m) => m.name === 'rows')
    expect(perHost.map((m) => m.labels?.host).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `web-${i + 1}`).sort(),
    )
    expect(perHost.reduce((sum, m) => sum + m.value, 0)).toBeGreaterThan(40_000)
    expect(appActivityDaily.alerts).toContainEqual(
      expect.objectContaining({ kind: 'volume', metric: 'rows', by: ['host'] }),
    )
    const latest = JSON.parse(
      await readFile(join(home, 'data/app-activity-counts/published/latest.json'), 'utf8'),
    )
    expect(latest).toMatchObject({ day: '2026-11-02', rows: expect.any(Number) })
    // The last step replaces the day in analytics.daily_activity: a row per host and platform.
    const texts = warehouse.statements.map((s) => s.text.split('\n')[0])
    expect(texts.slice(0, 3)).toEqual([
      'create schema if not exists analytics',
      'create table if not exists analytics.daily_activity (',
      'delete from analytics.daily_activity where day = cast($1 as date)',
    ])
    expect(warehouse.statements[2]?.params).toEqual(['2026-11-02'])
    const inserts = warehouse.statements.filter((s) =>
      s.text.startsWith('insert into analytics.daily_activity'),
    )
    expect(inserts).toHaveLength(1)
    const values = inserts[0]?.params ?? []
    const rows = Array.from({ length: values.length / 6 }, (_, i) => values.slice(i * 6, i * 6 + 6))
    expect(rows).toHaveLength(30) // 10 hosts × ios, android, web
    expect(new Set(rows.map((row) => row[2]))).toEqual(new Set(['ios', 'android', 'web']))
    expect(rows.reduce((sum, row) => sum + Number(row[3]), 0)).toBe(
      perHost.reduce((sum, m) => sum + m.value, 0),
    )
    expect(metric('daily_activity_rows')).toBe(30)
  })

  it('app-activity.daily with the empty-table switch on succeeds and writes no rows', async () => {
    process.env.STEWARD_DEMO_EMPTY_ACTIVITY = '1'
    try {
      const warehouse = recordingWarehouse()
      const run = await runPipeline(appActivityDaily, {
        partition: '2026-11-02',
        config: stewardConfig,
        sql: { warehouse },
      })
      expect(warehouse.statements.map((s) => s.text.split(' ', 1)[0])).toEqual(['create', 'create'])
      expect(run.metrics.find((m) => m.name === 'daily_activity_rows')?.value).toBe(0)
      expect(run.logs).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'demo switch: wrote no rows into the table' }),
      )
      process.env.STEWARD_DEMO_EMPTY_ACTIVITY = 'maybe'
      await expect(
        runPipeline(appActivityDaily, { partition: '2026-11-02', config: stewardConfig, sql: { warehouse } }),
      ).rejects.toThrow('STEWARD_DEMO_EMPTY_ACTIVITY: "maybe" is not a switch')
    } finally {
      delete process.env.STEWARD_DEMO_EMPTY_ACTIVITY
    }
  })

  it('app-activity.daily with the demo switch on counts a day where web-3 stops logging at 14:00', async () => {
    process.env.STEWARD_DEMO_SILENCE_HOST = 'web-3'
    process.env.STEWARD_DEMO_SILENCE_FROM = '2026-11-11T14:00Z'
    try {
      // The day before the switch is untouched; the day it reaches is written again without web-3's afternoon.
      const sql = { warehouse: recordingWarehouse() }
      const before = await runPipeline(appActivityDaily, {
        partition: '2026-11-10',
        config: stewardConfig,
        sql,
      })
      const day = await runPipeline(appActivityDaily, { partition: '2026-11-11', config: stewardConfig, sql })
      const rowsOf = (run: typeof day, host: string) =>
        run.metrics.find((m) => m.name === 'rows' && m.labels?.host === host)?.value ?? 0
      expect(rowsOf(before, 'web-3')).toBeGreaterThan(0.8 * rowsOf(before, 'web-4'))
      expect(rowsOf(day, 'web-3')).toBeGreaterThan(0)
      expect(rowsOf(day, 'web-3')).toBeLessThan(0.6 * rowsOf(day, 'web-4'))
      expect(rowsOf(day, 'web-4')).toBeGreaterThan(0.8 * rowsOf(before, 'web-4'))
    } finally {
      delete process.env.STEWARD_DEMO_SILENCE_HOST
      delete process.env.STEWARD_DEMO_SILENCE_FROM
    }
  })

  it('signup-funnel.weekly builds sequences (backfilling days never counted) and the funnel', async () => {
    // The activity table as the funnel finds it: there, with two days of the week written.
    const warehouse = recordingWarehouse(({ text }) =>
      text.includes('information_schema.tables')
        ? { rows: [{ found: 1n }], rowCount: 1 }
        : { rows: [{ rows: 60n, days: 2n, requests: 91_000n }], rowCount: 1 },
    )
    const run = await runPipeline(signupFunnelWeekly, {
      params: { weeks: 1 },
      partition: '2026-11-02',
      config: stewardConfig,
      sql: { warehouse },
    })
    expect(warehouse.statements.map((s) => s.params)).toEqual([
      ['analytics', 'daily_activity'],
      ['2026-11-02', '2026-11-09'],
    ])
    expect(run.metrics.find((m) => m.name === 'activity_rows')?.value).toBe(60)
    expect(run.metrics.find((m) => m.name === 'activity_days')?.value).toBe(2)
    expect(run.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'the activity table is missing days of this week' }),
    )
    // 2026-11-02 was counted by the activity test; the other six days are backfilled.
    expect(run.metrics.find((m) => m.name === 'days_backfilled')?.value).toBe(6)
    expect(run.costs).toEqual([expect.objectContaining({ item: 'warehouse scan', unit: 'warehouse-mb' })])
    const funnel = JSON.parse(
      await readFile(join(home, 'data/weekly-signup-funnel/2026-11-02/funnel.json'), 'utf8'),
    )
    expect(funnel).toHaveLength(1)
    const [week] = funnel
    expect(week.week).toBe('2026-11-02')
    expect(week.visitors).toBeGreaterThan(5_000)
    expect(week.sign_ups_of_visitors).toBeGreaterThan(0.08)
    expect(week.sign_ups_of_visitors).toBeLessThan(0.3)
    // Real drop-off at every stage.
    expect(week.sign_ups).toBeGreaterThan(week.profile_completed)
    expect(week.profile_completed).toBeGreaterThan(week.first_photo)
    expect(week.first_photo).toBeGreaterThan(week.first_connection)
    expect(week.first_connection).toBeGreaterThan(0)
  })

  it('churn.score validates, scores and segments a file from the inbox, reporting scan cost', async () => {
    await writeChurnFile(join(home, 'inbox/churn'), { seed: 1, users: 5_000, asOf: '2026-11-02' })
    const warehouse = recordingWarehouse()
    const run = await runPipeline(churnScore, {
      params: { file: 'churn-2026-11-02.csv' },
      config: stewardConfig,
      sql: { warehouse },
    })
    expect(run.costs.map((c) => c.step)).toEqual(['validate', 'score'])
    // Every user's score goes into analytics.churn_scores, the export's earlier rows replaced first.
    expect(warehouse.statements[2]).toEqual({
      text: 'delete from analytics.churn_scores where as_of = cast($1 as date)',
      params: ['2026-11-02'],
    })
    const inserts = warehouse.statements.filter((s) =>
      s.text.startsWith('insert into analytics.churn_scores'),
    )
    expect(inserts.reduce((sum, s) => sum + s.params.length / 7, 0)).toBe(5_000)
    expect(run.metrics.find((m) => m.name === 'table_rows')?.value).toBe(5_000)
    expect(run.costs[0]?.usd).toBeGreaterThan(0)
    const segments = JSON.parse(
      await readFile(join(home, 'data/churn-scores/churn-2026-11-02/segments.json'), 'utf8'),
    )
    expect(segments.map((s: { segment: string }) => s.segment)).toEqual(['low', 'medium', 'high'])
  })

  it('churn.score fails at validate on a malformed file, naming line and column', async () => {
    await writeChurnFile(join(home, 'inbox/churn'), { seed: 1, users: 50, asOf: '2026-11-02', breakLine: 9 })
    const warehouse = recordingWarehouse()
    const error = await runPipeline(churnScore, {
      params: { file: 'churn-2026-11-02-broken.csv' },
      config: stewardConfig,
      sql: { warehouse },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChurnFileError)
    expect((error as Error).message).toMatch(/line 9, column 3 \(messages_sent_28d\)/)
    expect(warehouse.statements).toEqual([])
  })
})
