import { formatDurationMs } from '#lib/format.ts'
import { type WarehouseQueryRow, warehouseQueryLimit } from '#server/queries/get-warehouse-queries.ts'

/**
 * The statements the run's steps ran through `ctx.sql`: connection, first line, rows and time on
 * the warehouse, in the order they ran. Text from data is rendered as text (React escapes it).
 */
export function WarehouseQueriesPanel({
  queries,
  stepIds,
}: {
  queries: readonly WarehouseQueryRow[]
  /** Step ids by step run id, to say which step ran each statement. */
  stepIds: ReadonlyMap<string, string>
}) {
  const totalMs = queries.reduce((sum, query) => sum + query.ms, 0)
  return (
    <section className="card panel" aria-labelledby="warehouse-queries-title">
      <h2 id="warehouse-queries-title" className="panel__title">
        Warehouse statements{' '}
        <span className="muted">
          {queries.length}
          {queries.length >= warehouseQueryLimit ? '+' : ''}, {formatDurationMs(totalMs)} on the warehouse
        </span>
      </h2>
      <div className="table-scroll-x">
        <table className="data-table data-table--compact">
          <caption className="visually-hidden">Statements the steps ran</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Connection</th>
              <th scope="col">Statement</th>
              <th scope="col" className="numeric">
                Rows
              </th>
              <th scope="col" className="numeric">
                Time
              </th>
            </tr>
          </thead>
          <tbody>
            {queries.map((query) => (
              <tr key={query.id}>
                <td>
                  <code>{(query.stepRunId && stepIds.get(query.stepRunId)) ?? '—'}</code>
                </td>
                <td>{query.connection}</td>
                <td>
                  <code>{query.statement}</code>
                  {query.failed ? <span className="muted"> (failed)</span> : null}
                </td>
                <td className="numeric">{query.failed ? '—' : query.rows.toLocaleString('en-US')}</td>
                <td className="numeric">{formatDurationMs(query.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
