import type { RunStatus } from '@steward/db'
import { cancelRunAction, retryRunAction } from '../server/runs/actions.ts'

/**
 * Cancel and retry-from-failed, as plain forms posting to server actions: they work without
 * client JavaScript, and Next.js refuses a post whose Origin is not this app (CSRF).
 */
export function RunControls({
  runId,
  status,
  cancelRequested,
  archived,
  mayOperate,
}: {
  runId: string
  status: RunStatus
  cancelRequested: boolean
  archived: boolean
  /** Owners and admins only: others see why the buttons are missing. */
  mayOperate: boolean
}) {
  const active = status === 'queued' || status === 'running'
  const retryable = (status === 'failed' || status === 'cancelled') && !archived
  if (!active && !retryable) return null
  if (!mayOperate) return <p className="muted">Owners and admins can cancel or retry this run.</p>
  return (
    <div className="run-controls">
      {active ? (
        <form action={cancelRunAction.bind(null, runId)}>
          <button type="submit" className="button button--danger" disabled={cancelRequested}>
            {cancelRequested ? 'Cancelling…' : 'Cancel run'}
          </button>
        </form>
      ) : null}
      {retryable ? (
        <form action={retryRunAction.bind(null, runId)}>
          <button
            type="submit"
            className="button button--primary"
            title="A new run that reuses the steps that succeeded"
          >
            Retry from failed
          </button>
        </form>
      ) : null}
    </div>
  )
}
