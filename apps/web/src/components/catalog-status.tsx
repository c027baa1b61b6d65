import type { ProductStatus } from '../lib/catalog-query.ts'
import { StatusBadge } from './status-badge.tsx'

// Product states borrow the run colours: healthy is a success, failing a failure, stale amber.
const looks = {
  healthy: { status: 'succeeded', label: 'Healthy' },
  failing: { status: 'failed', label: 'Failing' },
  stale: { status: 'cancelled', label: 'Stale' },
} as const

/** A product's state as a pill: healthy, failing (a pipeline's newest run failed) or stale (promise broken). */
export function CatalogStatus({ status }: { status: ProductStatus }) {
  return <StatusBadge status={looks[status].status} label={looks[status].label} />
}

export function productStatusLabel(status: ProductStatus): string {
  return looks[status].label
}
