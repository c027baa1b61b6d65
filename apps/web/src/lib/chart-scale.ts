import type { UsageGrain } from '@steward/db'
import type { BudgetStatus } from '@steward/usage'

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least `floor`), so axes end on a round number. */
export function niceMax(value: number, floor = 1): number {
  const v = Math.max(value, floor)
  const magnitude = 10 ** Math.floor(Math.log10(v))
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= v - 1e-9) return step * magnitude
  }
  return 10 * magnitude
}

/** `count` + 1 evenly spaced values from 0 to `max` inclusive, for gridlines. */
export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count)
}

/** Which of `n` x labels to print so about `most` fit: every k-th, always the last one. */
export function labelEvery(n: number, most = 8): (index: number) => boolean {
  const k = Math.max(1, Math.ceil(n / most))
  return (index) => index === n - 1 || ((n - 1 - index) % k === 0 && n - 1 - index >= k / 2)
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A period's first day (YYYY-MM-DD) as a short label: "Mar 2" for days and weeks, "Mar 2026" for months. */
export function periodLabel(period: string, granularity: UsageGrain): string {
  const [year, month, day] = period.split('-').map(Number)
  const name = months[(month ?? 1) - 1] ?? '?'
  return granularity === 'month' ? `${name} ${year}` : `${name} ${day}`
}

/** Long form for tables and titles: "Mar 2, 2026", "Week of Mar 2, 2026", "Mar 2026". */
export function periodTitle(period: string, granularity: UsageGrain): string {
  if (granularity === 'month') return periodLabel(period, 'month')
  return `${granularity === 'week' ? 'Week of ' : ''}${periodLabel(period, 'day')}, ${period.slice(0, 4)}`
}

/**
 * The monthly budget as a per-period line: all of it for a month, a day's or a week's share of it
 * (this month's length) otherwise. Null without a budget.
 */
export function budgetPerPeriod(
  budget: Pick<BudgetStatus, 'budgetUsd' | 'daysInMonth'>,
  granularity: UsageGrain,
): number | null {
  if (budget.budgetUsd === null) return null
  if (granularity === 'month') return budget.budgetUsd
  return (budget.budgetUsd / budget.daysInMonth) * (granularity === 'week' ? 7 : 1)
}
