import { Sparkline } from '#components/sparkline.tsx'
import { formatInstant } from '#lib/format.ts'
import type { ObservedTable } from '#server/queries/get-table-observations.ts'

/**
 * The tables the product publishes, as Steward last saw them where they land: rows (with their
 * series), newest timestamp, columns; or why they could not be read. Text from the warehouse is
 * rendered as text.
 */
export function TablesPanel({ tables }: { tables: readonly ObservedTable[] }) {
  return (
    <section className="card panel" aria-labelledby="tables-title">
      <h2 id="tables-title" className="panel__title">
        Tables
      </h2>
      <div className="table-scroll-x">
        <table className="data-table data-table--compact">
          <caption className="visually-hidden">Published tables and their observations</caption>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col" className="numeric">
                Rows
              </th>
              <th scope="col">Trend</th>
              <th scope="col">Newest row</th>
              <th scope="col">Columns</th>
              <th scope="col">Observed</th>
            </tr>
          </thead>
          <tbody>
            {tables.map((table) => {
              const last = table.series.at(-1)
              const counts = table.series.flatMap((point) =>
                point.rowCount === null ? [] : [point.rowCount],
              )
              return (
                <tr key={table.name}>
                  <th scope="row">
                    <code>{table.name}</code> <span className="muted">on {table.connection}</span>
                  </th>
                  <td className="numeric">
                    {last?.rowCount == null
                      ? '—'
                      : `${last.estimated ? '≈ ' : ''}${last.rowCount.toLocaleString('en-US')}`}
                  </td>
                  <td>
                    {counts.length > 1 ? (
                      <Sparkline
                        values={counts}
                        label={`Rows of ${table.name}, last ${counts.length} observations`}
                      />
                    ) : null}
                  </td>
                  <td>
                    {last?.newestAt
                      ? formatInstant(last.newestAt)
                      : table.timestampColumn
                        ? '—'
                        : 'no timestamp column'}
                  </td>
                  <td>
                    {table.columns
                      ? table.columns.map((column) => `${column.name} ${column.type}`).join(', ')
                      : '—'}
                  </td>
                  <td className="muted">
                    {last ? formatInstant(last.at) : 'not yet'}
                    {last?.error ? ` — ${last.unreachable ? 'unreachable: ' : ''}${last.error}` : ''}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}
