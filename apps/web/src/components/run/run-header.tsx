import type { Route } from 'next'
import Link from 'next/link'
import { formatCost, formatDurationMs, formatInstant } from '#lib/format.ts'
import type { RunDetail } from '#server/queries/get-run-detail.ts'
import { RunAutoRefresh } from '../run-auto-refresh.tsx'
import { RunControls } from '../run-controls.tsx'
import { StatusBadge } from '../status-badge.tsx'

/**
 * The run's id and status, what started it, when, for how long and at what cost, beside the live
 * refresh and the Cancel and Retry buttons.
 */
export function RunHeader({ run, mayOperate }: { run: RunDetail; mayOperate: boolean }) {
  return (
    <div className="page-header">
      <div>
        <h1 className="run-title">
          Run <code className="id">{run.id.slice(0, 8)}</code> <StatusBadge status={run.status} />
        </h1>
        <p className="page-header__description">
          {describeTrigger(run)} ·{' '}
          {run.startedAt
            ? `started ${formatInstant(run.startedAt)}`
            : `created ${formatInstant(run.createdAt)}`}
          {run.startedAt
            ? ` · ${formatDurationMs((run.finishedAt ?? run.readAt).getTime() - run.startedAt.getTime())}${run.finishedAt ? '' : ' so far'}`
            : ''}
          {' · '}
          {formatCost(run.costUsd)} · v{run.pipelineVersion}
        </p>
      </div>
      <div className="run-header-aside">
        <RunAutoRefresh runId={run.id} status={run.status} />
        <RunControls
          runId={run.id}
          status={run.status}
          cancelRequested={run.cancelRequestedAt !== null}
          archived={run.pipeline.archived}
          mayOperate={mayOperate}
        />
      </div>
    </div>
  )
}

/** "Retry of <run>" linked, else the trigger and how it came ("Manual (cli)"). */
function describeTrigger(run: RunDetail) {
  const retryOf = typeof run.triggerDetail?.retryOf === 'string' ? run.triggerDetail.retryOf : undefined
  if (retryOf) {
    return (
      <>
        Retry of{' '}
        <Link href={`/runs/${retryOf}` as Route} className="mono-link">
          {retryOf.slice(0, 8)}
        </Link>
      </>
    )
  }
  const via = typeof run.triggerDetail?.via === 'string' ? ` (${run.triggerDetail.via})` : ''
  return `${run.trigger[0]?.toUpperCase()}${run.trigger.slice(1)}${via}`
}
