import type { Route } from 'next'
import Link from 'next/link'
import { formatCost, formatDurationMs, formatInstant, timeAgo } from '#lib/format.ts'
import type { PipelineRunRow } from '#server/queries/get-pipeline-detail.ts'
import { DurationBars } from '../duration-bars.tsx'
import { StatusBadge } from '../status-badge.tsx'

/** The newest runs as a chart of their durations (oldest left) over a table, newest first. */
export function RecentRunsPanel({
  runs,
  partitioned,
  now,
}: {
  runs: readonly PipelineRunRow[]
  /** Adds a Partition column. */
  partitioned: boolean
  now: Date
}) {
  return (
    <section className="card panel" aria-labelledby="runs-title">
      <h2 id="runs-title" className="panel__title">
        Recent runs <span className="panel__count">{runs.length}</span>
      </h2>
      {runs.length === 0 ? (
        <p className="muted">No runs yet. Start one with the form, or wait for its schedule or trigger.</p>
      ) : (
        <>
          <DurationBars runs={durationBars(runs)} />
          <div className="table-scroll">
            <table className="data-table data-table--compact">
              <caption className="visually-hidden">Recent runs, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  {partitioned ? <th scope="col">Partition</th> : null}
                  <th scope="col">Trigger</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="numeric">
                    Duration
                  </th>
                  <th scope="col" className="numeric">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id}>
                    <td>
                      <Link href={`/runs/${run.id}` as Route} className="mono-link">
                        {run.id.slice(0, 8)}
                      </Link>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={run.status} />
                    </td>
                    {partitioned ? (
                      <td data-label="Partition">
                        <code>{run.partitionKey ?? '—'}</code>
                      </td>
                    ) : null}
                    <td data-label="Trigger">{run.retryOf ? 'retry' : run.trigger}</td>
                    <td data-label="Started">
                      <time
                        dateTime={(run.startedAt ?? run.createdAt).toISOString()}
                        title={formatInstant(run.startedAt ?? run.createdAt)}
                      >
                        {timeAgo(run.startedAt ?? run.createdAt, now)}
                      </time>
                    </td>
                    <td data-label="Duration" className="numeric">
                      {run.startedAt && run.finishedAt
                        ? formatDurationMs(run.finishedAt.getTime() - run.startedAt.getTime())
                        : run.startedAt
                          ? `${formatDurationMs(now.getTime() - run.startedAt.getTime())}…`
                          : '—'}
                    </td>
                    <td data-label="Cost" className="numeric">
                      {formatCost(run.costUsd)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
}

/** One bar per run, oldest first, labelled with its start, status and duration. */
function durationBars(runs: readonly PipelineRunRow[]) {
  return [...runs].reverse().map((run) => {
    const durationMs =
      run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null
    return {
      id: run.id,
      status: run.status,
      durationMs,
      label: `${formatInstant(run.createdAt)}: ${run.status}${durationMs === null ? '' : `, ${formatDurationMs(durationMs)}`}`,
    }
  })
}
