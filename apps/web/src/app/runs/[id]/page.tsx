import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { Breadcrumbs } from '#components/breadcrumbs.tsx'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { GanttChart } from '#components/gantt-chart.tsx'
import { JsonView } from '#components/json-view.tsx'
import { RunAutoRefresh } from '#components/run-auto-refresh.tsx'
import { RunControls } from '#components/run-controls.tsx'
import { StatusBadge } from '#components/status-badge.tsx'
import { orderSteps } from '#lib/dag-layout.ts'
import { formatCost, formatDurationMs, formatInstant } from '#lib/format.ts'
import { currentViewer } from '#server/auth/current-viewer.ts'
import { canOperate } from '#server/auth/viewer.ts'
import { getRunDetail, logLimit, type RunDetail, type RunStepRow } from '#server/queries/get-run-detail.ts'
import { readDatabase } from '#server/read-database.ts'

export const dynamic = 'force-dynamic'

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ problem?: string | string[] }> }

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params
  return { title: `Run ${id.slice(0, 8)}` }
}

/** Why a cancel or retry did nothing, by the code the server action put in the URL. */
const problems: Record<string, string> = {
  RUN_NOT_RETRYABLE: 'Only a failed or cancelled run can be retried.',
  PIPELINE_BUSY:
    'The pipeline already runs as many runs as its maxConcurrentRuns allows: retry when one ends.',
  PIPELINE_ARCHIVED: 'The pipeline was removed from code: its runs cannot be retried.',
  RUN_NOT_FOUND: 'The run no longer exists.',
  CANCEL_FAILED: 'The run could not be cancelled; the server log says why.',
  RETRY_FAILED: 'The retry could not be started; the server log says why.',
  FORBIDDEN: 'Only the owners of this data product and admins can cancel or retry its runs.',
}

export default async function RunPage({ params, searchParams }: Props) {
  const { id } = await params
  const { problem } = await searchParams
  const viewer = await currentViewer()
  const read = await readDatabase((db) => getRunDetail(db, id))
  if (!read.ok) return <DatabaseProblemNotice problem={read.problem} />
  const run = read.value
  if (!run) notFound()
  const problemText = typeof problem === 'string' ? problems[problem] : undefined
  const order = orderSteps(run.steps.map((step) => ({ id: step.stepId, needs: step.needs })))
  const steps = order
    .map((stepId) => run.steps.find((step) => step.stepId === stepId))
    .filter((s) => s !== undefined)
  const start = firstStart(run)
  const end = run.finishedAt ?? run.readAt
  const retryOf = typeof run.triggerDetail?.retryOf === 'string' ? run.triggerDetail.retryOf : undefined
  return (
    <>
      <Breadcrumbs
        items={[
          { label: 'Catalog', href: '/' },
          { label: run.product.name, href: `/products/${run.product.id}` },
          { label: run.pipeline.name, href: `/pipelines/${run.pipeline.id}` },
          { label: `Run ${run.id.slice(0, 8)}` },
        ]}
      />
      <div className="page-header">
        <div>
          <h1 className="run-title">
            Run <code className="id">{run.id.slice(0, 8)}</code> <StatusBadge status={run.status} />
          </h1>
          <p className="page-header__description">
            {describeTrigger(run, retryOf)} ·{' '}
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
            mayOperate={viewer !== undefined && canOperate(viewer, run.product.owners)}
          />
        </div>
      </div>

      {problemText ? (
        <section className="notice" role="alert">
          <h2>Nothing was changed</h2>
          <p>{problemText}</p>
        </section>
      ) : null}
      {run.error ? (
        <section className="notice notice--danger" aria-labelledby="run-error-title">
          <h2 id="run-error-title">{run.status === 'cancelled' ? 'Cancelled' : 'Failed'}</h2>
          <p>
            {run.error.message}
            {run.error.code ? (
              <>
                {' '}
                <code>{run.error.code}</code>
              </>
            ) : null}
          </p>
        </section>
      ) : null}
      {run.retries.length > 0 ? (
        <p className="run-links">
          Retried in{' '}
          {run.retries.map((retry, index) => (
            <span key={retry.id}>
              {index > 0 ? ', ' : ''}
              <Link href={`/runs/${retry.id}` as Route} className="mono-link">
                {retry.id.slice(0, 8)}
              </Link>{' '}
              <StatusBadge status={retry.status} />
            </span>
          ))}
        </p>
      ) : null}

      <section className="card panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title" className="panel__title">
          Timeline
        </h2>
        {start ? (
          <GanttChart steps={run.steps} start={start} end={end} />
        ) : (
          <p className="muted">
            No step has started yet.{' '}
            {run.status === 'queued'
              ? 'The run waits for a worker (or for a free slot of its pipeline).'
              : ''}
          </p>
        )}
        <GanttLegend />
      </section>

      <div className="detail-grid">
        <div className="detail-grid__main">
          {steps.map((step) => (
            <StepSection key={step.id} step={step} runStart={start} readAt={run.readAt} />
          ))}
          {run.logsTruncated ? (
            <p className="muted">Only the newest {logLimit} log lines of this run are shown.</p>
          ) : null}
        </div>
        <aside className="detail-grid__side">
          <nav className="card panel" aria-labelledby="graph-title">
            <h2 id="graph-title" className="panel__title">
              Steps <span className="panel__count">{steps.length}</span>
            </h2>
            <ul className="step-nav">
              {steps.map((step) => (
                <li key={step.id}>
                  <a href={`#step-${step.stepId}`}>
                    {step.stepId}
                    <StatusBadge status={step.status} />
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <section className="card panel" aria-labelledby="params-title">
            <h2 id="params-title" className="panel__title">
              Params
            </h2>
            {Object.keys(run.params).length > 0 ? (
              <JsonView value={run.params} label="Params of this run" />
            ) : (
              <p className="muted">None: defaults apply.</p>
            )}
          </section>
        </aside>
      </div>
    </>
  )
}

function describeTrigger(run: RunDetail, retryOf: string | undefined) {
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

function firstStart(run: RunDetail): Date | undefined {
  const times = run.steps.flatMap((step) => [
    ...(step.queuedAt ? [step.queuedAt.getTime()] : []),
    ...step.attempts.map((attempt) => attempt.startedAt.getTime()),
  ])
  if (run.startedAt) times.push(run.startedAt.getTime())
  return times.length > 0 ? new Date(Math.min(...times)) : undefined
}

function GanttLegend() {
  return (
    <ul className="legend" aria-label="Legend">
      {(['succeeded', 'failed', 'running', 'cancelled', 'timed_out'] as const).map((status) => (
        <li key={status}>
          <span className="legend__swatch" data-status={status} />
          {status === 'timed_out' ? 'timed out' : status}
        </li>
      ))}
      <li>
        <span className="legend__swatch legend__swatch--wait" />
        waiting in queue
      </li>
    </ul>
  )
}

function StepSection({
  step,
  runStart,
  readAt,
}: {
  step: RunStepRow
  runStart: Date | undefined
  readAt: Date
}) {
  const took =
    step.startedAt && (step.finishedAt || step.status === 'running')
      ? (step.finishedAt ?? readAt).getTime() - step.startedAt.getTime()
      : undefined
  const reused = step.status === 'succeeded' && step.attemptCount === 0
  const attemptNumber = new Map(step.attempts.map((attempt) => [attempt.id, attempt.number]))
  return (
    <section
      id={`step-${step.stepId}`}
      className="card panel step"
      aria-labelledby={`step-title-${step.stepId}`}
    >
      <header className="step__header">
        <h2 id={`step-title-${step.stepId}`} className="panel__title">
          <code>{step.stepId}</code>
        </h2>
        <StatusBadge status={step.status} />
        <span className="muted step__facts">
          {reused
            ? 'output reused from the retried run'
            : step.attemptCount === 0
              ? 'not run'
              : `attempt ${step.attemptCount} of ${step.maxAttempts}`}
          {took !== undefined ? ` · ${formatDurationMs(took)}` : ''}
          {step.costUsd > 0 ? ` · ${formatCost(step.costUsd)}` : ''}
          {step.needs.length > 0 ? ` · after ${step.needs.join(', ')}` : ''}
        </span>
      </header>

      {step.error ? (
        <div className="step__error">
          <p>
            <strong>Error:</strong> {step.error.message}{' '}
            {step.error.code ? <code>{step.error.code}</code> : null}
          </p>
          {step.error.stack ? (
            <details>
              <summary>Stack trace</summary>
              <pre className="json">{step.error.stack}</pre>
            </details>
          ) : null}
        </div>
      ) : null}

      {step.attempts.length > 1 ? (
        <details className="step__attempts">
          <summary>{step.attempts.length} attempts</summary>
          <ol>
            {step.attempts.map((attempt) => (
              <li key={attempt.id}>
                #{attempt.number} <StatusBadge status={attempt.status} />{' '}
                {attempt.finishedAt
                  ? formatDurationMs(attempt.finishedAt.getTime() - attempt.startedAt.getTime())
                  : 'running'}
                {runStart
                  ? ` · from +${formatDurationMs(attempt.startedAt.getTime() - runStart.getTime())}`
                  : ''}
                {attempt.workerId ? <span className="muted"> on {attempt.workerId}</span> : null}
                {attempt.error ? <span className="muted"> · {attempt.error.message}</span> : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}

      {step.metrics.length > 0 ? (
        <div className="step__block">
          <h3>Metrics</h3>
          <dl className="metrics">
            {step.metrics.map((metric) => (
              <div key={metric.id}>
                <dt>
                  {metric.name}
                  {Object.keys(metric.labels).length > 0 ? (
                    <span className="muted">
                      {' '}
                      {Object.entries(metric.labels)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(' ')}
                    </span>
                  ) : null}
                </dt>
                <dd>{metric.value.toLocaleString('en-US')}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}

      {step.output !== null && step.output !== undefined ? (
        <div className="step__block">
          <h3>Output</h3>
          <JsonView value={step.output} label={`Output of ${step.stepId}`} />
        </div>
      ) : null}

      <div className="step__block">
        <h3>Logs</h3>
        {step.logs.length === 0 ? (
          <p className="muted">No log lines.</p>
        ) : (
          <section className="logs" aria-label={`Logs of ${step.stepId}`}>
            <table>
              <tbody>
                {step.logs.map((log) => (
                  <tr key={log.id} data-level={log.level} className="logs__row">
                    <td className="logs__cell logs__time">
                      <time dateTime={log.at.toISOString()}>{log.at.toISOString().slice(11, 23)}</time>
                    </td>
                    <td className="logs__cell logs__attempt">
                      #{log.attemptId ? attemptNumber.get(log.attemptId) : '–'}
                    </td>
                    <td className="logs__cell logs__level">{log.level}</td>
                    <td className="logs__cell logs__message">
                      {log.message}
                      {log.fields && Object.keys(log.fields).length > 0 ? (
                        <span className="logs__fields"> {JSON.stringify(log.fields)}</span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </div>
    </section>
  )
}
