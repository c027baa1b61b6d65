import { describe, expect, it } from 'vitest'
import { nextPeriod, periodStart, periodsBetween, previousPeriod } from './calendar-period.ts'

describe('calendar periods', () => {
  it('start weeks on the day asked for, Monday by default', () => {
    // Thursday 5 November 2026.
    expect(periodStart('2026-11-05', 'week')).toBe('2026-11-02')
    expect(periodStart('2026-11-05', 'week', 'sunday')).toBe('2026-11-01')
    expect(periodStart('2026-11-05', 'week', 'saturday')).toBe('2026-10-31')
    expect(periodStart('2026-11-02', 'week', 'monday')).toBe('2026-11-02')
    expect(periodStart('2026-11-01', 'week', 'monday')).toBe('2026-10-26')
    // A week that starts in one year and ends in the next.
    expect(periodStart('2027-01-01', 'week')).toBe('2026-12-28')
  })

  it('start months on the 1st and days on themselves', () => {
    expect(periodStart('2026-02-28', 'month')).toBe('2026-02-01')
    expect(periodStart('2026-02-28', 'day')).toBe('2026-02-28')
  })

  it('step to the next and previous period', () => {
    expect(nextPeriod('2026-01-01', 'month')).toBe('2026-02-01')
    expect(previousPeriod('2026-01-01', 'month')).toBe('2025-12-01')
    expect(nextPeriod('2026-12-28', 'week')).toBe('2027-01-04')
    expect(previousPeriod('2026-03-01', 'day')).toBe('2026-02-28')
  })

  it('list the periods between two dates, both ends included', () => {
    expect(periodsBetween('2025-12-20', '2026-01-10', 'week')).toEqual([
      '2025-12-15',
      '2025-12-22',
      '2025-12-29',
      '2026-01-05',
    ])
    expect(periodsBetween('2025-11-30', '2026-02-01', 'month')).toEqual([
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
    ])
    expect(periodsBetween('2026-01-02', '2026-01-01', 'day')).toEqual([])
  })
})
