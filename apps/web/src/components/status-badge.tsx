import type { AttemptStatus, RunStatus, StepRunStatus } from '@steward/db'

export type AnyStatus = RunStatus | StepRunStatus | AttemptStatus

const labels: Record<AnyStatus, string> = {
  pending: 'Pending',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  timed_out: 'Timed out',
}

/** A status as a coloured pill; the colour comes from `data-status` in globals.css, the word says it too. */
export function StatusBadge({ status, label }: { status: AnyStatus; label?: string }) {
  return (
    <span className="status" data-status={status}>
      {label ?? labels[status]}
    </span>
  )
}

export function statusLabel(status: AnyStatus): string {
  return labels[status]
}

export const finishedRunStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled']
