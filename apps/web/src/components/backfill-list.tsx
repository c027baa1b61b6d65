import type { Route } from 'next'
import Link from 'next/link'
import { formatInstant, timeAgo } from '../lib/format.ts'
import type { BackfillRow } from '../server/queries/get-pipeline-partitions.ts'

const segments = ['succeeded', 'failed', 'cancelled', 'running', 'queued'] as const
const modeWords = { all: 'every partition', 'only-failed': 'failed only', 'only-missing': 'missing only' }

/**
 * The pipeline's newest backfills: range, mode and a progress bar of their runs by state, the
 * same figures `steward backfill --follow` prints, with a Cancel button while one runs.
 */
export function BackfillList({
  backfills,
  cancelAction,
  highlight,
  now,
}: {
  backfills: readonly BackfillRow[]
  /** Absent for a viewer who may not cancel (not an owner or admin). */
  cancelAction?: (backfillId: string) => (form: FormData) => Promise<void>
  /** The backfill just started from the form. */
  highlight?: string
  now: Date
}) {
  if (backfills.length === 0)
    return <p className="muted">No backfills yet. Rerun a range of partitions with the form.</p>
  return (
    <ol className="backfills">
      {backfills.map((backfill) => {
        const ended = backfill.total - backfill.counts.running - backfill.counts.queued
        return (
          <li
            key={backfill.id}
            className="backfills__item"
            aria-current={backfill.id === highlight ? 'true' : undefined}
            data-backfill={backfill.id}
          >
            <div className="backfills__head">
              <span className="status" data-status={backfill.status}>
                {backfill.status.charAt(0).toUpperCase() + backfill.status.slice(1)}
              </span>
              <code>
                {backfill.rangeFrom ?? 'first'} → {backfill.rangeTo ?? 'last'}
              </code>
              <span className="muted">
                {modeWords[backfill.mode]} · {backfill.concurrency} at once
                {backfill.withDownstream ? ' · with downstream' : ''}
              </span>
              <time
                className="muted"
                dateTime={backfill.createdAt.toISOString()}
                title={formatInstant(backfill.createdAt)}
              >
                {timeAgo(backfill.createdAt, now)}
              </time>
            </div>
            <div
              className="backfills__bar"
              role="img"
              aria-label={`${ended} of ${backfill.total} runs ended: ${segments.map((s) => `${backfill.counts[s]} ${s}`).join(', ')}`}
            >
              {segments.map((status) =>
                backfill.counts[status] > 0 ? (
                  <span
                    key={status}
                    data-status={status}
                    style={{ flexGrow: backfill.counts[status] }}
                    title={`${backfill.counts[status]} ${status}`}
                  />
                ) : null,
              )}
            </div>
            <p className="backfills__counts">
              <span>
                {ended} / {backfill.total} ended
              </span>
              {segments.map((status) =>
                backfill.counts[status] > 0 ? (
                  <span key={status} data-status={status}>
                    {backfill.counts[status]} {status}
                  </span>
                ) : null,
              )}
              {backfill.parentId ? <span className="muted">cascaded from an upstream backfill</span> : null}
              <Link href={`/api/v1/backfills/${backfill.id}` as Route} className="muted" prefetch={false}>
                JSON
              </Link>
            </p>
            {backfill.status === 'running' && cancelAction ? (
              <form action={cancelAction(backfill.id)} className="backfills__cancel">
                <button type="submit" className="button button--danger">
                  Cancel backfill
                </button>
              </form>
            ) : null}
          </li>
        )
      })}
    </ol>
  )
}
