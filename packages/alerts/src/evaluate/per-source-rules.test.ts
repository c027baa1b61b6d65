import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { alertRuleIssues, freshness, volume } from '@steward/pipelines/rules'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMetricSeriesByLabel } from '../queries/get-metric-series-by-label.ts'
import { seedPipeline, seedProduct, seedRuns } from '../testing/seed.ts'
import { evaluateTimers } from './evaluate-timers.ts'

const hourMs = 3_600_000
const day0 = Date.UTC(2026, 10, 1)
const at = (day: number, hour: number, minute = 0) =>
  new Date(day0 + (day * 24 + hour) * hourMs + minute * 60_000)
/** A daily cycle for the whole fleet: about 100 rows an hour at 03:00, about 1,900 at 15:00. */
const usual = (hour: number) => 1000 - 900 * Math.cos(((hour - 3) / 24) * 2 * Math.PI)
const hosts = Array.from({ length: 10 }, (_, i) => `web-${i + 1}`)
/** Each host its own share of the traffic, and a little deterministic noise per day and hour. */
const rowsOf = (host: number, day: number, hour: number) =>
  Math.round((usual(hour) / 10) * (0.7 + 0.06 * host) * (1 + 0.04 * Math.sin(day * 7 + hour * 3 + host)))

/** The test day: web-3 is silent 13:00–16:00 (three hours), web-11 is new from 10:00. */
const testDay = 8
const silent = (host: string, day: number, hour: number) =>
  host === 'web-3' && day === testDay && hour >= 13 && hour < 16

describe('per-source rule options', () => {
  it('takes by on volume and freshness, and freshness by needs a metric', () => {
    expect(alertRuleIssues([volume({ metric: 'rows', by: ['host'], below: 1 })], 'pipeline')).toEqual([])
    expect(alertRuleIssues([freshness({ by: ['host'] })], 'pipeline')).toEqual([
      { field: 'alerts[0].by', message: expect.stringContaining('by needs metric') },
    ])
    expect(
      alertRuleIssues([volume({ metric: 'rows', by: ['host name'], below: 1 })], 'pipeline')[0]?.field,
    ).toBe('alerts[0].by[0]')
  })
})

describe.each(testBackends)('per-source rules on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, { id: 'web', owners: ['#web'] })
    await seedPipeline(t.db, {
      id: 'web.logs',
      productId: 'web',
      steps: ['ship'],
      alerts: [
        volume({ metric: 'rows', step: 'ship', below: { vsSameHour: { days: 7 }, ratio: 0.5 } }),
        volume({
          name: 'per-host',
          metric: 'rows',
          by: ['host'],
          below: { vsSameHour: { weeks: 1 }, ratio: 0.5 },
        }),
        freshness({ name: 'per-host', maxAge: '2h', metric: 'rows', by: ['host'] }),
      ],
    })
    // Hourly runs, each shipping rows per host, for eight days of history and the test day.
    const runs = []
    for (let h = 0; h < (testDay + 1) * 24; h++) {
      const day = Math.floor(h / 24)
      const hour = h % 24
      const shipped = day === testDay && hour >= 10 ? [...hosts, 'web-11'] : hosts
      const recorded = at(day, hour, 10)
      runs.push({
        pipelineId: 'web.logs',
        productId: 'web',
        status: 'succeeded' as const,
        steps: { ship: 'succeeded' as const },
        finishedAt: recorded,
        metrics: shipped
          .filter((host) => !silent(host, day, hour))
          .map((host) => ({
            step: 'ship',
            name: 'rows',
            value: rowsOf(Number(host.slice(4)), day, hour),
            labels: { host },
            at: recorded,
          })),
      })
    }
    await seedRuns(t.db, runs)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('one quiet host of ten opens one incident, for that host, and it resolves when the host returns', async () => {
    // The test day evaluated every 10 minutes, as the timer would (it runs every 30 s), night included.
    const tickMs = 10 * 60_000
    for (let now = at(testDay, 0, 2).getTime(); now < at(testDay, 20).getTime(); now += tickMs)
      await evaluateTimers(t.db, { now: new Date(now) })

    const incidents = await t.db
      .selectFrom('incidents')
      .selectAll()
      .where('product_id', '=', 'web')
      .orderBy('opened_at')
      .execute()
    const volumeIncidents = incidents.filter((i) => i.rule_key === 'pipeline:web.logs:volume:per-host')
    const freshIncidents = incidents.filter((i) => i.rule_key === 'pipeline:web.logs:freshness:per-host')
    // Not the total (a tenth less, well inside a day's variation), not the nightly low, not web-11.
    expect(incidents.filter((i) => i.rule_key === 'pipeline:web.logs:volume')).toEqual([])
    expect(volumeIncidents).toHaveLength(1)
    expect(freshIncidents).toHaveLength(1)
    expect(incidents).toHaveLength(2)

    const [quiet] = volumeIncidents
    const lastWeek = rowsOf(3, testDay - 7, 13).toLocaleString('en-US')
    expect(quiet?.title).toBe(`web: rows from host web-3 are 0 (same hour last week: ${lastWeek})`)
    expect(quiet?.subject_key).toBe('pipeline:web.logs/metric:rows/host=web-3')
    // The first missing hour (13:00) is complete at 14:00: opened by the first evaluation after it.
    const openedAfter = (quiet?.opened_at.getTime() ?? 0) - at(testDay, 14).getTime()
    expect(openedAfter).toBeGreaterThanOrEqual(0)
    expect(openedAfter).toBeLessThan(tickMs)
    // Back at 16:00, a full hour again at 17:00: resolved in place.
    expect(quiet?.status).toBe('resolved')
    expect((quiet?.resolved_at?.getTime() ?? 0) - at(testDay, 17).getTime()).toBeLessThan(tickMs)
    expect(quiet?.resolved_reason).toContain('rows from host web-3 back within bounds')

    const [stale] = freshIncidents
    expect(stale?.title).toBe('web: no rows from host web-3 for 2 h (promise: 2 h)')
    expect(stale?.subject_key).toBe('pipeline:web.logs/fresh:rows/host=web-3')
    expect(stale?.status).toBe('resolved')

    const notes = await t.db
      .selectFrom('notifications')
      .select(['incident_id', 'kind'])
      .where('incident_id', '=', quiet?.id ?? '')
      .orderBy('id')
      .execute()
    expect(notes.map((n) => n.kind)).toEqual(['first', 'resolved'])
  })

  it("answers a metric's hourly series per label value, the quiet hours at 0 and the new host from its first hour", async () => {
    const window = { metric: 'rows', label: 'host', from: at(testDay, 9), to: at(testDay, 17) }
    const byPipeline = await getMetricSeriesByLabel(t.db, { ...window, pipelineId: 'web.logs' })
    expect(byPipeline.hours.map((h) => h.toISOString().slice(11, 13))).toEqual([
      '09',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
    ])
    expect(byPipeline.series.map((s) => s.value)).toEqual([...hosts, 'web-11'])
    const series = (value: string) => byPipeline.series.find((s) => s.value === value)?.points
    expect(series('web-3')?.slice(4, 7)).toEqual([0, 0, 0])
    expect(series('web-3')?.[7]).toBe(rowsOf(3, testDay, 16))
    expect(series('web-11')?.[0]).toBe(0)
    expect(series('web-11')?.[1]).toBe(rowsOf(11, testDay, 10))
    expect(series('web-1')?.every((v) => v > 0)).toBe(true)
    const byProduct = await getMetricSeriesByLabel(t.db, { ...window, productId: 'web' })
    expect(byProduct).toEqual(byPipeline)
    await expect(
      getMetricSeriesByLabel(t.db, { ...window, pipelineId: 'web.logs', to: window.from }),
    ).rejects.toThrow(/from must be before to/)
  })
})
