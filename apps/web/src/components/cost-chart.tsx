import type { BudgetStatus, CostSeries } from '@steward/usage'
import { budgetPerPeriod, labelEvery, niceMax, periodLabel, periodTitle, ticks } from '../lib/chart-scale.ts'
import { formatCost } from '../lib/format.ts'
import { ChartTable } from './chart-table.tsx'

const width = 720
const height = 200
const left = 52
const right = 8
const top = 10
const bottom = 26

/**
 * Cost per period as bars, the budget's share per period as a dashed line, and for months the
 * month-end forecast as an outlined bar over the current month. The table holds every number.
 */
export function CostChart({ series, budget }: { series: CostSeries; budget: BudgetStatus }) {
  const periods = series.periods
  const line = budgetPerPeriod(budget, series.granularity)
  const forecastIndex =
    series.granularity === 'month' ? periods.findIndex((p) => p.period === budget.month) : -1
  const max = niceMax(
    Math.max(0, line ?? 0, forecastIndex >= 0 ? budget.forecastUsd : 0, ...periods.map((p) => p.usd)),
    0.01,
  )
  const plotW = width - left - right
  const plotH = height - top - bottom
  const slot = plotW / Math.max(1, periods.length)
  const barW = Math.max(2, Math.min(28, slot * 0.7))
  const y = (v: number) => top + plotH - (v / max) * plotH
  const cx = (i: number) => left + slot * i + slot / 2
  const showLabel = labelEvery(periods.length, 8)
  const total = periods.reduce((sum, p) => sum + p.usd, 0)
  return (
    <figure className="chart">
      <div className="chart__scroll">
        <svg
          className="chart__svg"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={`Cost per ${series.granularity}: ${formatCost(total)} over ${periods.length} ${series.granularity}s${line !== null ? `, budget ${formatCost(line)} per ${series.granularity}` : ''}; the table below has every figure`}
        >
          {ticks(max).map((t) => (
            <g key={t}>
              <line className="chart__grid" x1={left} x2={width - right} y1={y(t)} y2={y(t)} />
              <text className="chart__tick" x={left - 6} y={y(t) + 4} textAnchor="end">
                {formatCost(t)}
              </text>
            </g>
          ))}
          {forecastIndex >= 0 && budget.forecastUsd > 0 ? (
            <rect
              className="chart__forecast"
              x={cx(forecastIndex) - barW / 2}
              y={y(budget.forecastUsd)}
              width={barW}
              height={y(0) - y(budget.forecastUsd)}
            >
              <title>{`Forecast for ${periodTitle(budget.month, 'month')}: ${formatCost(budget.forecastUsd)}`}</title>
            </rect>
          ) : null}
          {periods.map((p, i) => (
            <g key={p.period}>
              <rect
                className="chart__bar"
                data-kind="cost"
                data-over={line !== null && p.usd > line ? true : undefined}
                x={cx(i) - barW / 2}
                y={y(p.usd)}
                width={barW}
                height={y(0) - y(p.usd)}
              >
                <title>{`${periodTitle(p.period, series.granularity)}: ${formatCost(p.usd)}`}</title>
              </rect>
              {showLabel(i) ? (
                <text className="chart__tick" x={cx(i)} y={height - 8} textAnchor="middle">
                  {periodLabel(p.period, series.granularity)}
                </text>
              ) : null}
            </g>
          ))}
          {line !== null ? (
            <line className="chart__budget" x1={left} x2={width - right} y1={y(line)} y2={y(line)}>
              <title>{`Budget: ${formatCost(line)} per ${series.granularity}`}</title>
            </line>
          ) : null}
        </svg>
      </div>
      <figcaption>
        <ul className="legend">
          <li>
            <span className="chart__swatch" data-kind="cost" />
            cost
          </li>
          {line !== null ? (
            <li>
              <span className="chart__swatch chart__swatch--budget" />
              budget per {series.granularity}
            </li>
          ) : null}
          {forecastIndex >= 0 ? (
            <li>
              <span className="chart__swatch chart__swatch--forecast" />
              month-end forecast
            </li>
          ) : null}
        </ul>
      </figcaption>
      <ChartTable summary="Cost as a table" caption={`Cost per ${series.granularity}`}>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col" className="numeric">
              Cost
            </th>
            <th scope="col" className="numeric">
              Users
            </th>
            <th scope="col" className="numeric">
              Cost / user
            </th>
          </tr>
        </thead>
        <tbody>
          {[...periods].reverse().map((p) => (
            <tr key={p.period}>
              <th scope="row">{periodTitle(p.period, series.granularity)}</th>
              <td className="numeric">{formatCost(p.usd)}</td>
              <td className="numeric">{p.actors}</td>
              <td className="numeric">{formatCost(p.costPerActorUsd)}</td>
            </tr>
          ))}
        </tbody>
      </ChartTable>
    </figure>
  )
}
