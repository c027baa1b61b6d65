import type { Route } from 'next'
import Link from 'next/link'
import { timeAgo } from '#lib/format.ts'
import { describeCron, formatInZone, nextFireTimes } from '#lib/schedule.ts'
import type { ProductPipelineRow } from '#server/queries/get-product-summary.ts'
import { StatusBadge } from '../status-badge.tsx'

/** The product's live pipelines: steps, schedule in words with the next fire time, and the newest run. */
export function PipelinesPanel({ pipelines, now }: { pipelines: readonly ProductPipelineRow[]; now: Date }) {
  return (
    <section className="card panel" aria-labelledby="pipelines-title">
      <h2 id="pipelines-title" className="panel__title">
        Pipelines <span className="panel__count">{pipelines.length}</span>
      </h2>
      {pipelines.length === 0 ? (
        <p className="muted">No pipeline builds this product yet.</p>
      ) : (
        <ul className="pipeline-list">
          {pipelines.map((pipeline) => (
            <PipelineItem key={pipeline.id} pipeline={pipeline} now={now} />
          ))}
        </ul>
      )}
    </section>
  )
}

function PipelineItem({ pipeline, now }: { pipeline: ProductPipelineRow; now: Date }) {
  const next = pipeline.scheduleCron
    ? nextFireTimes(pipeline.scheduleCron, pipeline.scheduleTimezone, now)[0]
    : undefined
  return (
    <li>
      <div>
        <Link href={`/pipelines/${pipeline.id}` as Route} className="pipeline-list__name">
          {pipeline.name}
        </Link>{' '}
        <code className="id">{pipeline.id}</code>
        {pipeline.description ? <p className="muted">{pipeline.description}</p> : null}
        <p className="muted">
          {pipeline.stepCount} {pipeline.stepCount === 1 ? 'step' : 'steps'} ·{' '}
          {pipeline.scheduleCron
            ? `${describeCron(pipeline.scheduleCron) ?? pipeline.scheduleCron} (${pipeline.scheduleTimezone ?? 'UTC'})${next ? `, next ${formatInZone(next, pipeline.scheduleTimezone)}` : ''}`
            : 'no schedule'}
        </p>
      </div>
      <div className="pipeline-list__run">
        {pipeline.lastRun ? (
          <Link href={`/runs/${pipeline.lastRun.id}` as Route} aria-label={`Newest run of ${pipeline.id}`}>
            <StatusBadge status={pipeline.lastRun.status} />{' '}
            <span className="muted">{timeAgo(pipeline.lastRun.createdAt, now)}</span>
          </Link>
        ) : (
          <span className="muted">never run</span>
        )}
      </div>
    </li>
  )
}
