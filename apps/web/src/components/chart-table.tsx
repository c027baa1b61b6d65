import type { ReactNode } from 'react'

/**
 * A chart's figures as a table, folded under the chart: for screen readers, for copying, and for
 * whoever wants the exact numbers. `children` are the table's `thead` and `tbody`.
 */
export function ChartTable({
  summary,
  caption,
  children,
}: {
  summary: string
  caption: string
  children: ReactNode
}) {
  return (
    <details className="chart__table">
      <summary>{summary}</summary>
      <div className="table-scroll-x">
        <table className="data-table data-table--compact">
          <caption className="visually-hidden">{caption}</caption>
          {children}
        </table>
      </div>
    </details>
  )
}
