import { describe, expect, it } from 'vitest'
import { daysOfWeeks, lastCompleteWeeks, weekStart } from './week-start.ts'

describe('weeks', () => {
  it('start on Monday (UTC)', () => {
    expect(weekStart(Date.parse('2026-11-02T00:00:00Z'))).toBe('2026-11-02')
    expect(weekStart(Date.parse('2026-11-04T10:00:00Z'))).toBe('2026-11-02')
    expect(weekStart(Date.parse('2026-11-08T23:59:59Z'))).toBe('2026-11-02')
    expect(weekStart(Date.parse('2026-11-09T00:00:00Z'))).toBe('2026-11-09')
  })

  it('reports the complete weeks before the current one, oldest first', () => {
    expect(lastCompleteWeeks(new Date('2026-11-04T05:00:00Z'), 3)).toEqual([
      '2026-10-12',
      '2026-10-19',
      '2026-10-26',
    ])
  })

  it('lists every day of a run of weeks', () => {
    const days = daysOfWeeks('2026-10-26', '2026-11-02')
    expect(days).toHaveLength(14)
    expect(days[0]).toBe('2026-10-26')
    expect(days[13]).toBe('2026-11-08')
  })
})
