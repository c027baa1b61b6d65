import { describe, expect, it } from 'vitest'
import { missedSchedules } from './scheduler-check.ts'
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

describe('missed schedules', () => {
  const pipeline = (id: string, cron: string, last: string | null, deployed = '2026-01-01T00:00:00Z') => ({
    id,
    schedule_cron: cron,
    schedule_timezone: 'UTC',
    updated_at: new Date(deployed),
    last_scheduled_at: last,
    now,
  })

  it('flags a pipeline whose last fire time has no scheduled run after it', () => {
    const missed = missedSchedules([
      pipeline('on-time', '0 11 * * *', '2026-11-23T11:00:02Z'),
      pipeline('missed', '0 11 * * *', '2026-11-22T11:00:01Z'),
      pipeline('never', '0 6 * * 1', null),
      // Due at 11:58: within the grace period, not late yet.
      pipeline('just-due', '58 11 * * *', '2026-11-22T11:58:00Z'),
      // Missed three days ago, and nothing due since: outside the look-back.
      pipeline('long-ago', '0 6 * * 5', null),
      // Deployed after its last fire time: schedules do not backfill.
      pipeline('new', '0 11 * * *', null, '2026-11-23T11:30:00Z'),
    ])
    expect(missed).toEqual([
      { id: 'missed', due: new Date('2026-11-23T11:00:00Z') },
      { id: 'never', due: new Date('2026-11-23T06:00:00Z') },
    ])
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
