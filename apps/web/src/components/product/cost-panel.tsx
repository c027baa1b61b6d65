import type { BudgetStatus, CostSeries } from '@steward/usage'
import { formatCost } from '#lib/format.ts'
import { CostChart } from '../cost-chart.tsx'

/** Cost per period against the budget: this month so far, the month-end forecast, and a warning when it goes over. */
export function CostPanel({ cost, budget }: { cost: CostSeries; budget: BudgetStatus }) {
  return (
    <section className="card panel" aria-labelledby="cost-title">
      <div className="panel__header">
        <h2 id="cost-title" className="panel__title">
          Cost
        </h2>
      </div>
      <dl className="figures" aria-label="This month's cost">
        <div>
          <dt>this month so far</dt>
          <dd>{formatCost(budget.monthToDateUsd)}</dd>
        </div>
        <div>
          <dt>month-end forecast</dt>
          <dd data-over={budget.forecastOverBudget || undefined}>{formatCost(budget.forecastUsd)}</dd>
        </div>
        <div>
          <dt>monthly budget</dt>
          <dd>{budget.budgetUsd === null ? 'none' : formatCost(budget.budgetUsd)}</dd>
        </div>
      </dl>
      {budget.forecastOverBudget ? (
        <p className="chart__warning">
          At this pace the month ends at {formatCost(budget.forecastUsd)}, over its{' '}
          {formatCost(budget.budgetUsd)} budget.
        </p>
      ) : null}
      <CostChart series={cost} budget={budget} />
    </section>
  )
}
