import { describe, expect, it } from 'vitest'
import { budgetPerPeriod, labelEvery, niceMax, periodLabel, periodTitle, ticks } from './chart-scale.ts'

describe('chart scale', () => {
  it('rounds an axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1)
    expect(niceMax(7)).toBe(10)
    expect(niceMax(10)).toBe(10)
    expect(niceMax(11)).toBe(20)
    expect(niceMax(430)).toBe(500)
    expect(niceMax(0.034, 0.01)).toBe(0.05)
    expect(ticks(500)).toEqual([0, 125, 250, 375, 500])
  })

  it('labels about `most` of the x positions, the newest always', () => {
    const shown = (n: number, most: number) =>
      Array.from({ length: n }, (_, i) => i).filter(labelEvery(n, most))
    expect(shown(5, 8)).toEqual([0, 1, 2, 3, 4])
    expect(shown(30, 8)).toEqual([1, 5, 9, 13, 17, 21, 25, 29])
  })

  it('names periods short and long', () => {
    expect(periodLabel('2026-03-02', 'day')).toBe('Mar 2')
    expect(periodLabel('2026-03-01', 'month')).toBe('Mar 2026')
    expect(periodTitle('2026-03-02', 'week')).toBe('Week of Mar 2, 2026')
    expect(periodTitle('2026-03-02', 'day')).toBe('Mar 2, 2026')
    expect(periodTitle('2026-12-01', 'month')).toBe('Dec 2026')
  })
})

describe('budget per period', () => {
  it("is the month's budget for months, a day's or week's share of this month otherwise", () => {
    const budget = { budgetUsd: 300, daysInMonth: 30 }
    expect(budgetPerPeriod(budget, 'month')).toBe(300)
    expect(budgetPerPeriod(budget, 'day')).toBe(10)
    expect(budgetPerPeriod(budget, 'week')).toBe(70)
    expect(budgetPerPeriod({ budgetUsd: null, daysInMonth: 30 }, 'day')).toBeNull()
  })
})
