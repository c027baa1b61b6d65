import type { LabelledMetric } from '../server/queries/get-labelled-metrics.ts'

const barWidth = 8
const gap = 2
const height = 22

/**
 * A metric per source as small multiples: one row of daily bars per label value, on one shared
 * scale, so the source that stopped reporting shows as a row that ends in nothing, flagged
 * "quiet". A table underneath the drawing, so the numbers read without it.
 */
export function LabelledMetricChart({ metric }: { metric: LabelledMetric }) {
  const max = Math.max(1, ...metric.rows.flatMap((row) => row.perDay))
  const width = metric.days.length * (barWidth + gap)
  const quiet = metric.rows.filter((row) => row.quiet)
  const dayLabel = (day: Date | undefined) => day?.toISOString().slice(5, 10) ?? ''
  return (
    <figure className="labelled-metric">
      <figcaption>
        <code>{metric.metric}</code> per <code>{metric.label}</code> from <code>{metric.pipelineId}</code>,
        daily, {dayLabel(metric.days[0])} to {dayLabel(metric.days.at(-1))} (UTC)
        {quiet.length > 0 ? (
          <strong className="labelled-metric__alert">
            {' '}
            · quiet: {quiet.map((row) => `${metric.label} ${row.value}`).join(', ')}
          </strong>
        ) : null}
      </figcaption>
      {metric.rows.length === 0 ? (
        <p className="muted">Nothing reported in these two weeks.</p>
      ) : (
        <table className="labelled-metric__table">
          <thead>
            <tr>
              <th scope="col">{metric.label}</th>
              <th scope="col">per day</th>
              <th scope="col" className="numeric">
                newest day
              </th>
            </tr>
          </thead>
          <tbody>
            {metric.rows.map((row) => (
              <tr key={row.value} data-status={row.quiet ? 'failed' : undefined}>
                <th scope="row">
                  {row.value}
                  {row.quiet ? (
                    <span className="status" data-status="failed">
                      quiet
                    </span>
                  ) : null}
                </th>
                <td>
                  <svg
                    width={width}
                    height={height}
                    viewBox={`0 0 ${width} ${height}`}
                    role="img"
                    aria-label={`${metric.label} ${row.value}: ${row.perDay.map((v) => v.toLocaleString('en')).join(', ')}`}
                  >
                    {row.perDay.map((value, i) => {
                      const h = value === 0 ? 1 : Math.max(2, (value / max) * height)
                      return (
                        <rect
                          // biome-ignore lint/suspicious/noArrayIndexKey: days are positional
                          key={i}
                          x={i * (barWidth + gap)}
                          y={height - h}
                          width={barWidth}
                          height={h}
                          className={
                            value === 0
                              ? 'labelled-metric__bar labelled-metric__bar--zero'
                              : 'labelled-metric__bar'
                          }
                        >
                          <title>{`${dayLabel(metric.days[i])}: ${value.toLocaleString('en')}`}</title>
                        </rect>
                      )
                    })}
                  </svg>
                </td>
                <td className="numeric">{row.last.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  )
}
