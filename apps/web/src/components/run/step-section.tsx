import { formatCost, formatDurationMs } from '#lib/format.ts'
import type { RunStepRow } from '#server/queries/get-run-detail.ts'
import { JsonView } from '../json-view.tsx'
import { StatusBadge } from '../status-badge.tsx'

/**
 * One step of a run: status, attempts, duration and cost, its error with the stack trace (the
 * step's own code, so its owners' data), metrics, output and the log lines of every attempt.
 */
export function StepSection({
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
