import type { Route } from 'next'
import Link from 'next/link'
import type { RunDetail } from '#server/queries/get-run-detail.ts'
import { StatusBadge } from '../status-badge.tsx'

/** The runs that retry this one, newest first, each with its status. */
export function RetriedIn({ retries }: { retries: RunDetail['retries'] }) {
  return (
    <p className="run-links">
      Retried in{' '}
      {retries.map((retry, index) => (
        <span key={retry.id}>
          {index > 0 ? ', ' : ''}
          <Link href={`/runs/${retry.id}` as Route} className="mono-link">
            {retry.id.slice(0, 8)}
          </Link>{' '}
          <StatusBadge status={retry.status} />
        </span>
      ))}
    </p>
  )
}
