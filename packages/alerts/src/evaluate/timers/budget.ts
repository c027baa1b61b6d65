import { dateIn, instantOf, nextPeriod, periodStart } from '@steward/kernel'
import type { BudgetRule } from '@steward/pipelines/rules'
import { readUsageCalendar } from '@steward/usage'
import { productCostSince } from '../../queries/product-cost-since.ts'
import { md } from '../../slack/mrkdwn.ts'
import { fire, resolve, type TimerCheck, type TimerOutcome } from './timer-check.ts'

/** Under this far into the month, a pace is noise: the forecast waits. */
const forecastAfterMs = 3 * 86_400_000

/**
 * `budget`: the product's cost this month against `monthlyUsd` (default: the product's budget),
 * and, unless `forecast: false`, the month's pace against it (a warning). The month is the calendar
 * month in the configured time zone (`usage_settings`), the one `budgetStatus` and the UI count.
 */
export const budgetCheck: TimerCheck<BudgetRule> = {
  async evaluate({ trx, bound, rule, now }) {
    const budget = rule.monthlyUsd ?? bound.product.budgetMonthlyUsd
    if (!budget) return []
    const { timezone } = await readUsageCalendar(trx)
    const firstDay = periodStart(dateIn(now, timezone), 'month')
    const monthStart = instantOf({ date: firstDay, hour: 0 }, timezone)
    const nextMonth = instantOf({ date: nextPeriod(firstDay, 'month'), hour: 0 }, timezone)
    const spent = await productCostSince(trx, bound.product.id, monthStart)
    const subject = `product:${bound.product.id}/budget`
    const outcomes: TimerOutcome[] = [
      spent > budget
        ? fire(
            bound,
            { key: subject },
            {
              title: `${bound.product.name} spent $${spent.toFixed(2)} this month, over its $${budget} budget`,
            },
            now,
          )
        : resolve(bound, subject, 'within budget', now),
    ]
    if (!(rule.forecast ?? true)) return outcomes
    const elapsed = (now.getTime() - monthStart.getTime()) / (nextMonth.getTime() - monthStart.getTime())
    const projected = elapsed > 0 ? spent / elapsed : 0
    const forecastSubject = `product:${bound.product.id}/budget-forecast`
    const onPaceOver =
      now.getTime() - monthStart.getTime() > forecastAfterMs && projected > budget && spent <= budget
    outcomes.push(
      onPaceOver
        ? fire(
            bound,
            { key: forecastSubject },
            {
              title: `${bound.product.name} is on pace to spend $${projected.toFixed(2)} this month (budget $${budget})`,
              detail: md`$${spent.toFixed(2)} so far`,
              severity: 'warning',
            },
            now,
          )
        : resolve(bound, forecastSubject, 'back on budget pace', now),
    )
    return outcomes
  },
}
