import type { PartitionSpec } from '@steward/db'
import type { Route } from 'next'
import Link from 'next/link'
import { formatCost, formatInstant } from '../lib/format.ts'
import type { PartitionCell } from '../server/queries/get-pipeline-partitions.ts'
import { statusLabel } from './status-badge.tsx'

const unitWords = { hour: 'Hourly', day: 'Daily', week: 'Weekly', month: 'Monthly' } as const

/** "Daily partitions in Europe/Berlin since 2026-01-01", for the panel's subtitle. */
export function describeScheme(scheme: PartitionSpec): string {
  if (scheme.kind === 'static') return `${scheme.keys.length} static partitions`
  const week =
    scheme.unit === 'week'
      ? ` (weeks start on ${scheme.weekStartsOn.charAt(0).toUpperCase()}${scheme.weekStartsOn.slice(1)})`
      : ''
  return `${unitWords[scheme.unit]} partitions${week} in ${scheme.timezone} since ${scheme.start}`
}

const order = ['succeeded', 'failed', 'running', 'queued', 'cancelled', 'missing'] as const

/**
 * Each partition's latest run as a square, oldest first, coloured by status: a failed day or a
 * gap stands out at a glance, and each square links to its run. The counts above it say the same
 * in words, and the failed and missing keys are listed for a screen reader or a copy-paste.
 */
export function PartitionGrid({ cells }: { cells: readonly PartitionCell[] }) {
  if (cells.length === 0)
    return <p className="muted">No partition is complete yet: the first one ends after its start date.</p>
  const count = (status: (typeof order)[number]) => cells.filter((cell) => cell.status === status).length
  const attention = cells.filter((cell) => cell.status === 'failed' || cell.status === 'missing')
  return (
    <div className="partition-grid">
      <ul className="partition-grid__legend" aria-label="Partitions by status">
        {order
          .filter((status) => count(status) > 0)
          .map((status) => (
            <li key={status} data-status={status}>
              <span className="partition-grid__swatch" aria-hidden="true" />
              {count(status)} {status === 'missing' ? 'never run' : statusLabel(status).toLowerCase()}
            </li>
          ))}
      </ul>
      <ol className="partition-grid__cells">
        {cells.map((cell) => (
          <li key={cell.key}>
            {cell.runId ? (
              <Link
                href={`/runs/${cell.runId}` as Route}
                className="partition-grid__cell"
                data-status={cell.status}
                title={cellTitle(cell)}
                aria-label={cellTitle(cell)}
              />
            ) : (
              <span className="partition-grid__cell" data-status="missing" title={cellTitle(cell)} />
            )}
          </li>
        ))}
      </ol>
      <p className="partition-grid__range muted">
        <span>{cells[0]?.key}</span>
        <span>{cells.at(-1)?.key}</span>
      </p>
      {attention.length > 0 ? (
        <p className="visually-hidden">
          Failed or never run: {attention.map((cell) => `${cell.key} (${cell.status})`).join(', ')}.
        </p>
      ) : null}
    </div>
  )
}

function cellTitle(cell: PartitionCell): string {
  if (cell.status === 'missing') return `${cell.key}: never run`
  const parts = [`${cell.key}: ${statusLabel(cell.status).toLowerCase()}`]
  if (cell.finishedAt) parts.push(formatInstant(cell.finishedAt))
  for (const [name, value] of Object.entries(cell.metrics))
    parts.push(`${name} ${value.toLocaleString('en')}`)
  if (cell.costUsd !== null) parts.push(formatCost(cell.costUsd))
  return parts.join(' · ')
}
