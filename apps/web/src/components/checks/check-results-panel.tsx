import Link from 'next/link'
import { formatDurationMs } from '#lib/format.ts'
import type { CheckResultRow } from '#server/queries/get-check-results.ts'

const statusLabel = { passed: 'passed', failed: 'failed', error: 'could not run' } as const

/**
 * Check results: check, table, result, failing rows, and the sampled failing rows on expand
 * (`<details>`, no script). Values come from the warehouse: rendered as text (React escapes them),
 * personal columns already left out when they were stored. On the product page each row links to
 * the run that checked it.
 */
export function CheckResultsPanel({
  results,
  title,
  linkRuns = false,
}: {
  results: readonly CheckResultRow[]
  title: string
  linkRuns?: boolean
}) {
  const failing = results.filter((result) => result.status !== 'passed').length
  return (
    <section className="card panel" aria-labelledby="check-results-title">
      <h2 id="check-results-title" className="panel__title">
        {title}{' '}
        <span className="muted">
          {results.length - failing} passed, {failing} not
        </span>
      </h2>
      <div className="table-scroll-x">
        <table className="data-table data-table--compact">
          <caption className="visually-hidden">Checks on the data</caption>
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Table</th>
              <th scope="col">Result</th>
              <th scope="col" className="numeric">
                Failing rows
              </th>
              <th scope="col" className="numeric">
                Time
              </th>
              {linkRuns ? <th scope="col">Run</th> : null}
            </tr>
          </thead>
          <tbody>
            {results.map((result) => (
              <tr key={result.id} data-check-status={result.status}>
                <td>
                  <code>{result.check}</code> <span className="muted">({result.severity})</span>
                </td>
                <td>
                  <code>{result.table}</code>
                </td>
                <td>
                  {statusLabel[result.status]}
                  {result.error ? <div className="muted">{result.error}</div> : null}
                  {result.sample && result.sample.length > 0 ? <SampleRows rows={result.sample} /> : null}
                </td>
                <td className="numeric">
                  {result.failingCount === null ? '—' : result.failingCount.toLocaleString('en-US')}
                </td>
                <td className="numeric">{formatDurationMs(result.durationMs)}</td>
                {linkRuns ? (
                  <td>
                    <Link href={`/runs/${encodeURIComponent(result.runId)}`}>run</Link>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function SampleRows({ rows }: { rows: readonly Record<string, unknown>[] }) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  return (
    <details>
      <summary>
        {rows.length} failing {rows.length === 1 ? 'row' : 'rows'}
      </summary>
      <table className="data-table data-table--compact">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: sampled rows have no identity of their own
            <tr key={i}>
              {columns.map((column) => (
                <td key={column}>
                  <code>{show(row[column])}</code>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  )
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  return typeof value === 'string' ? value : JSON.stringify(value)
}
