import type { PortfolioEntry } from '@steward/usage'
import { axisScale, compactNumber, placeLabels } from '../lib/scatter-scale.ts'
import { ScatterPoints } from './scatter-points.tsx'

export type UsageMeasure = 'users' | 'events'

const width = 760
const height = 420
const margin = { top: 16, right: 20, bottom: 44, left: 64 }
const labelLimit = 14

const usageWords: Record<UsageMeasure, string> = { users: 'unique users', events: 'events' }

/**
 * Every product as a dot: usage over 30 days across, cost over 30 days up. Both axes go
 * logarithmic when the values span orders of magnitude. The most expensive and most used
 * products are named on the chart; the dot nearest the pointer names itself and opens its
 * product on click (ScatterPoints), and the table below the chart holds the same figures for
 * screen readers and copying. Axes and grid are drawn here; the dots by ScatterPoints from
 * compact columns, so the page carries each product's name once, not in HTML and RSC payload both.
 */
export function PortfolioScatter({
  entries,
  measure,
}: {
  entries: readonly PortfolioEntry[]
  measure: UsageMeasure
}) {
  const usage = (e: PortfolioEntry) => e.current[measure]
  const x = axisScale(entries.map(usage), [margin.left, width - margin.right])
  const y = axisScale(
    entries.map((e) => e.current.costUsd),
    [height - margin.bottom, margin.top],
    (v) => (v === 0 ? '$0' : `$${compactNumber(v)}`),
  )
  const points = entries.map((e) => ({ entry: e, cx: x.at(usage(e)), cy: y.at(e.current.costUsd) }))
  // Named first: the most expensive, then the most used, then whatever is left.
  const byCost = [...points].sort((a, b) => b.entry.current.costUsd - a.entry.current.costUsd)
  const byUsage = [...points].sort((a, b) => usage(b.entry) - usage(a.entry))
  const order = [...new Set([...byCost.slice(0, 8), ...byUsage.slice(0, 8), ...byCost])]
  const labels = placeLabels(
    order.map((p) => ({ id: p.entry.id, x: p.cx, y: p.cy, text: p.entry.name })),
    { width: width - margin.right, limit: labelLimit },
  )
  const labelled = new Set(labels.map((l) => l.id))
  return (
    <figure className="scatter">
      <svg
        className="scatter__svg"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="scatter-title scatter-desc"
      >
        <title id="scatter-title">
          {`Cost against ${usageWords[measure]} over 30 days for ${entries.length} products`}
        </title>
        <desc id="scatter-desc">
          {`Horizontal: ${usageWords[measure]} (${x.kind} scale). Vertical: cost in US dollars (${y.kind} scale). The table below lists the same figures.`}
        </desc>
        <g className="scatter__grid">
          {x.ticks.map((t) => (
            <g key={`x${t.value}`}>
              <line x1={t.at} x2={t.at} y1={margin.top} y2={height - margin.bottom} />
              <text x={t.at} y={height - margin.bottom + 16} textAnchor="middle">
                {t.label}
              </text>
            </g>
          ))}
          {y.ticks.map((t) => (
            <g key={`y${t.value}`}>
              <line x1={margin.left} x2={width - margin.right} y1={t.at} y2={t.at} />
              <text x={margin.left - 8} y={t.at + 4} textAnchor="end">
                {t.label}
              </text>
            </g>
          ))}
          <text
            className="scatter__axis-title"
            x={(margin.left + width - margin.right) / 2}
            y={height - 6}
            textAnchor="middle"
          >
            {`${capitalise(usageWords[measure])}, last 30 days${x.kind === 'log' ? ' (log scale)' : ''}`}
          </text>
          <text
            className="scatter__axis-title scatter__axis-title--y"
            transform={`translate(14 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)`}
            textAnchor="middle"
          >
            {`Cost, last 30 days${y.kind === 'log' ? ' (log)' : ''}`}
          </text>
        </g>
        <ScatterPoints
          data={{
            xy: points.flatMap((p) => [Math.round(p.cx), Math.round(p.cy)]),
            ids: entries.map((e) => e.id),
            names: entries.map((e) => e.name),
            usage: entries.map(usage),
            cost: entries.map((e) => Math.round(e.current.costUsd)),
            labelled: points.flatMap((p, i) => (labelled.has(p.entry.id) ? [i] : [])),
          }}
          labels={labels.map((l) => ({
            x: round(l.anchor === 'start' ? l.left : l.left + l.text.length * 6.4),
            y: round(l.y + 4),
            anchor: l.anchor,
            text: l.text,
          }))}
          usageWord={usageWords[measure]}
          plot={{
            x: margin.left,
            y: margin.top,
            width: width - margin.left - margin.right,
            height: height - margin.top - margin.bottom,
          }}
        />
      </svg>
      <figcaption className="muted">
        Each dot is a product: its users (or events) across, its cost up. Bottom right earns its keep (used a
        lot, cheap); top left costs much for little use; dots on the left edge had no use at all.
      </figcaption>
    </figure>
  )
}

const round = (n: number) => Math.round(n * 10) / 10
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
