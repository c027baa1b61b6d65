import type { UsageSeries } from '@steward/usage'
import { labelEvery, niceMax, periodLabel, periodTitle, ticks } from '../lib/chart-scale.ts'
import { ChartTable } from './chart-table.tsx'

const count = new Intl.NumberFormat('en-US')
const width = 720
const height = 220
const left = 44
const right = 8
const top = 10
const bottom = 26

/** Known kinds get a colour of their own (usage.css); any other kind shares the last one. */
const kindOrder = ['view', 'query', 'download', 'api_call']

function kindsOf(series: UsageSeries): string[] {
  const kinds = new Set<string>()
  for (const p of series.periods) for (const kind of Object.keys(p.events)) kinds.add(kind)
  return [...kinds].sort((a, b) => {
    const ia = kindOrder.indexOf(a)
    const ib = kindOrder.indexOf(b)
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b)
  })
}

const percent = (ratio: number | null) => (ratio === null ? '—' : `${Math.round(ratio * 100)}%`)
const perUser = (events: number, users: number) => (users === 0 ? '—' : (events / users).toFixed(1))

/**
 * Events per period stacked by kind (bars) with unique users (line) on the same axis — a user has
 * at least one event, so the line never leaves the bars' scale. The table under it holds every
 * number: counts by kind, users, returning users and events per user.
 */
export function UsageChart({ series }: { series: UsageSeries }) {
  const periods = series.periods
  const kinds = kindsOf(series)
  const max = niceMax(Math.max(0, ...periods.map((p) => Math.max(p.totalEvents, p.actors))))
  const plotW = width - left - right
  const plotH = height - top - bottom
  const slot = plotW / Math.max(1, periods.length)
  const barW = Math.max(2, Math.min(28, slot * 0.7))
  const y = (v: number) => top + plotH - (v / max) * plotH
  const cx = (i: number) => left + slot * i + slot / 2
  const showLabel = labelEvery(periods.length, 8)
  const totalEvents = periods.reduce((sum, p) => sum + p.totalEvents, 0)
  const usersLine = periods
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${cx(i).toFixed(1)} ${y(p.actors).toFixed(1)}`)
    .join(' ')
  return (
    <figure className="chart">
      <div className="chart__scroll">
        <svg
          className="chart__svg"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={`Usage per ${series.granularity}: ${count.format(totalEvents)} events over ${periods.length} ${series.granularity}s; the table below has every figure`}
        >
          {ticks(max).map((t) => (
            <g key={t}>
              <line className="chart__grid" x1={left} x2={width - right} y1={y(t)} y2={y(t)} />
              <text className="chart__tick" x={left - 6} y={y(t) + 4} textAnchor="end">
                {count.format(t)}
              </text>
            </g>
          ))}
          {periods.map((p, i) => {
            let base = 0
            return (
              <g key={p.period} data-period={p.period}>
                <title>
                  {`${periodTitle(p.period, series.granularity)}: ${count.format(p.totalEvents)} events, ${count.format(p.actors)} users`}
                </title>
                {kinds.map((kind) => {
                  const v = p.events[kind] ?? 0
                  if (v === 0) return null
                  const y0 = y(base)
                  base += v
                  return (
                    <rect
                      key={kind}
                      className="chart__bar"
                      data-kind={kindOrder.includes(kind) ? kind : 'other'}
                      x={cx(i) - barW / 2}
                      y={y(base)}
                      width={barW}
                      height={Math.max(0, y0 - y(base))}
                    />
                  )
                })}
                {showLabel(i) ? (
                  <text className="chart__tick" x={cx(i)} y={height - 8} textAnchor="middle">
                    {periodLabel(p.period, series.granularity)}
                  </text>
                ) : null}
              </g>
            )
          })}
          <path className="chart__line" d={usersLine} />
          {periods.map((p, i) => (
            <circle
              key={p.period}
              className="chart__dot"
              cx={cx(i)}
              cy={y(p.actors)}
              r={periods.length > 40 ? 1.5 : 2.5}
            />
          ))}
        </svg>
      </div>
      <figcaption>
        <ul className="legend">
          {kinds.map((kind) => (
            <li key={kind}>
              <span className="chart__swatch" data-kind={kindOrder.includes(kind) ? kind : 'other'} />
              {kind}
            </li>
          ))}
          <li>
            <span className="chart__swatch chart__swatch--line" />
            unique users
          </li>
        </ul>
      </figcaption>
      <ChartTable summary="Usage as a table" caption={`Usage per ${series.granularity}`}>
        <thead>
          <tr>
            <th scope="col">{series.granularity[0]?.toUpperCase() + series.granularity.slice(1)}</th>
            {kinds.map((kind) => (
              <th key={kind} scope="col" className="numeric">
                {kind}
              </th>
            ))}
            <th scope="col" className="numeric">
              Users
            </th>
            <th scope="col" className="numeric">
              Returning
            </th>
            <th scope="col" className="numeric">
              Events / user
            </th>
          </tr>
        </thead>
        <tbody>
          {[...periods].reverse().map((p) => (
            <tr key={p.period}>
              <th scope="row">{periodTitle(p.period, series.granularity)}</th>
              {kinds.map((kind) => (
                <td key={kind} className="numeric">
                  {count.format(p.events[kind] ?? 0)}
                </td>
              ))}
              <td className="numeric">{count.format(p.actors)}</td>
              <td className="numeric">{percent(p.returningRatio)}</td>
              <td className="numeric">{perUser(p.totalEvents, p.actors)}</td>
            </tr>
          ))}
        </tbody>
      </ChartTable>
    </figure>
  )
}
