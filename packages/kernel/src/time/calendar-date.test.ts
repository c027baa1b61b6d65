import { describe, expect, it } from 'vitest'
import { addDays, addMonths, daysBetween, daysInMonth, isCalendarDate, weekdayOf } from './calendar-date.ts'

describe('calendar dates', () => {
  it('are YYYY-MM-DD days that exist on the calendar', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true)
    expect(isCalendarDate('2028-02-29')).toBe(true)
    expect(isCalendarDate('2026-02-29')).toBe(false)
    expect(isCalendarDate('2026-04-31')).toBe(false)
    expect(isCalendarDate('2026-13-01')).toBe(false)
    expect(isCalendarDate('2026-1-01')).toBe(false)
    expect(isCalendarDate('20260101')).toBe(false)
  })

  it('add days across month and year ends and leap days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    // No zone, so no DST: Berlin's short night is a day like any other.
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30')
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2)
    expect(daysBetween('2026-12-31', '2026-01-01')).toBe(-364)
  })

  it('add months keeping the day, or the last day of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29')
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28')
    expect(addMonths('2026-05-31', 1)).toBe('2026-06-30')
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15')
    expect(addMonths('2026-01-01', -1)).toBe('2025-12-01')
    expect(addMonths('2026-11-30', -11)).toBe('2025-12-30')
    expect(daysInMonth('2026-02-10')).toBe(28)
    expect(daysInMonth('2028-02-10')).toBe(29)
    expect(daysInMonth('2026-12-01')).toBe(31)
  })

  it('know their weekday', () => {
    expect(weekdayOf('2026-11-01')).toBe('sunday')
    expect(weekdayOf('2026-11-02')).toBe('monday')
    expect(weekdayOf('2028-02-29')).toBe('tuesday')
  })

  it('read years below 100 as themselves (not as 19xx), and go on past 9999', () => {
    expect(addMonths('0050-01-31', 1)).toBe('0050-02-28')
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01')
    expect(addDays('9999-12-31', 1)).toBe('10000-01-01')
    expect(addDays('10000-01-01', -1)).toBe('9999-12-31')
  })
})
